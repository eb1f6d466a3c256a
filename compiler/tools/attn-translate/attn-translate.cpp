//===- attn-translate.cpp - the attn translation driver --------------------===//
//
// Dumps one stage of the backend from attn IR: attn-translate
// --attn-to-halide-stmt, --attn-to-module-descriptor (lit tests, debugging).
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Halide/TranslateRegistration.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  attnc::registerHalideTranslations();
  return mlir::failed(
             mlir::mlirTranslateMain(argc, argv, "attn translation driver\n"))
             ? 1
             : 0;
}
