#include "apps/attn-train/Adam.h"

#include <cmath>

namespace attnc::train {

Adam::Adam(const AdamOptions &options, const std::vector<size_t> &sizes)
    : o_(options) {
  for (size_t n : sizes) {
    m_.emplace_back(n, 0.0f);
    v_.emplace_back(n, 0.0f);
  }
}

void Adam::step(const std::vector<float *> &params,
                const std::vector<const float *> &grads) {
  ++t_;
  // Bias corrections folded into the step size as PyTorch does:
  // w -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps).
  const double bc1 = 1.0 - std::pow(o_.beta1, static_cast<double>(t_));
  const double bc2 = 1.0 - std::pow(o_.beta2, static_cast<double>(t_));
  const float stepSize = static_cast<float>(o_.lr / bc1);
  const float sqrtBc2 = static_cast<float>(std::sqrt(bc2));
  const float b1 = static_cast<float>(o_.beta1), b2 = static_cast<float>(o_.beta2);
  const float wd = static_cast<float>(o_.weight_decay);
  const float eps = static_cast<float>(o_.eps);
  for (size_t k = 0; k < params.size(); ++k) {
    float *w = params[k];
    const float *g = grads[k];
    float *m = m_[k].data(), *v = v_[k].data();
    const size_t n = m_[k].size();
    const float decay = k < decays_.size() && !decays_[k] ? 0.0f : wd;
    for (size_t i = 0; i < n; ++i) {
      float gi = g[i] + decay * w[i];
      m[i] = b1 * m[i] + (1.0f - b1) * gi;
      v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
      w[i] -= stepSize * m[i] / (std::sqrt(v[i]) / sqrtBc2 + eps);
    }
  }
}

} // namespace attnc::train
