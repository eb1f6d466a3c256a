#!/bin/sh
# Fails if any given binary needs libLLVM or libHalide, directly or through
# another library. ldd resolves the whole closure; an empty or failed ldd
# fails the test too, so it cannot pass by not looking.
status=0
for binary in "$@"; do
  deps=$(ldd "$binary") || { echo "ldd failed on $binary"; exit 1; }
  echo "$deps" | grep -q 'libc\.so' || { echo "ldd of $binary lists no libc"; exit 1; }
  bad=$(echo "$deps" | grep -E 'libLLVM|libHalide|libclang|libMLIR')
  if [ -n "$bad" ]; then
    echo "$binary depends on:"; echo "$bad"; status=1
  fi
done
exit $status
