#include "netsim/link_config.h"

namespace tquic::sim {
namespace {

bool is_probability(double p) { return p >= 0.0 && p <= 1.0; }  // false for NaN
bool is_link_delay(Duration d) { return d.count() >= 0 && d <= kMaxLinkDelay; }

Status validate_burst(const GilbertElliott& g) {
  if (!is_probability(g.p_good_to_bad) || !is_probability(g.p_bad_to_good) ||
      !is_probability(g.loss_in_bad) || !is_probability(g.loss_in_good)) {
    return Error::local("burst loss probabilities must be between 0 and 1");
  }
  if (g.p_good_to_bad > 0.0 && g.p_bad_to_good <= 0.0) {
    return Error::local("burst loss p_bad_to_good must be above 0 (else the link never recovers)");
  }
  return ok_status();
}

}  // namespace

Status LinkConfig::validate() const {
  if (rate_bps > kMaxRateBps) return Error::local("rate must be at most 1 Pbit/s");
  if (!is_link_delay(delay)) return Error::local("delay must be between 0 and 24h");
  if (!is_link_delay(jitter)) return Error::local("jitter must be between 0 and 24h");
  if (!is_link_delay(reorder_delay)) return Error::local("reorder delay must be between 0 and 24h");
  if (!is_probability(loss)) return Error::local("loss must be between 0 and 1");
  if (!is_probability(reorder)) return Error::local("reorder must be between 0 and 1");
  if (!is_probability(duplicate)) return Error::local("duplicate must be between 0 and 1");
  if (!is_probability(corrupt)) return Error::local("corrupt must be between 0 and 1");
  if (ce_threshold_packets != 0 && rate_bps == 0) {
    return Error::local("an ECN marking threshold needs a rate (a queue to measure)");
  }
  if (reorder > 0.0 && reorder_delay.count() == 0) {
    return Error::local("reorder needs a reorder delay above 0");
  }
  return validate_burst(burst_loss);
}

}  // namespace tquic::sim
