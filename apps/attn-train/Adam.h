// Adam with PyTorch's `torch.optim.Adam(weight_decay=...)` semantics
// (L2 penalty added to the gradient, not AdamW's decoupled decay):
//   g = grad + wd * w
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
#ifndef ATTNC_APPS_ATTN_TRAIN_ADAM_H
#define ATTNC_APPS_ATTN_TRAIN_ADAM_H

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace attnc::train {

struct AdamOptions {
  double lr = 0.005;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 5e-4;
};

/// One optimiser over a fixed list of parameter tensors (by index).
class Adam {
public:
  Adam(const AdamOptions &options, const std::vector<size_t> &sizes);

  /// Parameters `k` with decays[k] false get no weight decay (biases, in
  /// the GAT reference code's L2); by default all decay.
  void setDecays(std::vector<bool> decays) { decays_ = std::move(decays); }

  /// Applies one step to every parameter: `params[k]` (size sizes[k]) with
  /// gradient `grads[k]`. Increments the step count once.
  void step(const std::vector<float *> &params,
            const std::vector<const float *> &grads);

  int64_t steps() const { return t_; }

private:
  AdamOptions o_;
  std::vector<std::vector<float>> m_, v_;
  std::vector<bool> decays_;
  int64_t t_ = 0;
};

} // namespace attnc::train

#endif // ATTNC_APPS_ATTN_TRAIN_ADAM_H
