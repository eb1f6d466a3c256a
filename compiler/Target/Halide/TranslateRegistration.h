//===- TranslateRegistration.h - attn -> Halide as translations --*- C++ -*-===//
#ifndef ATTNC_TARGET_HALIDE_TRANSLATEREGISTRATION_H
#define ATTNC_TARGET_HALIDE_TRANSLATEREGISTRATION_H

namespace attnc {

/// Registers the backend's stages as mlir-translate translations, so that
/// each can be dumped from attn IR on its own (attn-translate, lit):
///   --attn-to-halide-stmt        Halide's lowered statement of every entry
///   --attn-to-module-descriptor  the module descriptor's C source
/// Both take --attn-halide-target (as attnc's --target). The IR is
/// translated as given: run attn-opt's pipelines first for attnc's result.
void registerHalideTranslations();

} // namespace attnc

#endif // ATTNC_TARGET_HALIDE_TRANSLATEREGISTRATION_H
