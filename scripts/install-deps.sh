#!/usr/bin/env bash
# Installs the Debian 12 packages attnc builds against. Idempotent: when every
# package is present it prints nothing and touches nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache python3 pkg-config
  # The Python package: headers to build it, venv for build/python-env.
  python3-dev python3-venv
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  libhalide14-0-dev libboost-graph-dev libgtest-dev
  libbenchmark-dev libopenblas-dev nlohmann-json3-dev libcli11-dev
  libyaml-cpp-dev
  # The ONNX frontend: the onnx.proto message classes (libonnx_proto) and
  # the protobuf library they are built against.
  libonnx-dev libprotobuf-dev
  # zlib: attn-train --graph reads numpy.savez_compressed (deflate) archives.
  zlib1g-dev
  # An OpenCL platform on the CPU: the GPU schedules run there through
  # --target=opencl, so machines without a GPU test them (CudaTests).
  ocl-icd-libopencl1 pocl-opencl-icd
  # The fuzz harnesses (scripts/fuzz.sh, run by scripts/test.sh): clang and
  # its libFuzzer and sanitizer runtimes.
  clang-19 libclang-rt-19-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
