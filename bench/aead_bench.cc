// Packet protection throughput per cipher suite and library, to choose the
// default backend per suite (src/crypto/backend_selection.cc). Results and
// the exact command live in docs/CRYPTO.md.
//
//   seal/<suite>/<lib>       AEAD seal of a 1350-byte payload in place
//   seal_open/<suite>/<lib>  seal then open the same buffer in place (a full
//                            packet round trip; open = seal_open - seal)
//   hp_mask/<suite>/<lib>    one header protection mask from a 16-byte sample
//   packet/<suite>/default   protect + unprotect a whole 1-RTT packet with the
//                            default backends (AEAD + header protection)
//   memcpy/1350              baseline measured in the same run
//
// After the runs a summary prints GB/s per library, the GnuTLS/OpenSSL ratio,
// the ratio to memcpy, the faster library per suite ("tie" within 5%) and
// whether the compiled-in default agrees with this run's measurement.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "crypto/backend_selection.h"
#include "crypto/packet_keys.h"
#include "crypto/packet_protection.h"

namespace tquic::crypto {
namespace {

constexpr std::size_t kPayload = 1350;
constexpr std::size_t kHeader = 20;  // short header: 1 + 15-byte CID + 4-byte PN
constexpr CryptoBackend kBackends[] = {CryptoBackend::openssl, CryptoBackend::gnutls};

std::string short_name(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::aes_128_gcm_sha256: return "AES_128_GCM";
    case CipherSuite::aes_256_gcm_sha384: return "AES_256_GCM";
    case CipherSuite::chacha20_poly1305_sha256: return "CHACHA20_POLY1305";
  }
  return "?";
}

std::unique_ptr<Aead> aead_for(CryptoBackend backend, CipherSuite suite) {
  const std::vector<std::uint8_t> key(cipher_suite_traits(suite).key_length, 0x42);
  const std::vector<std::uint8_t> iv(kAeadIvLength, 0x24);
  auto r = make_aead_with(backend, suite, key, iv);
  return r ? std::move(*r) : nullptr;
}

void bm_memcpy(benchmark::State& state) {
  std::vector<std::uint8_t> src(kPayload, 1);
  std::vector<std::uint8_t> dst(kPayload);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), kPayload);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPayload));
}

void bm_seal(benchmark::State& state, CryptoBackend backend, CipherSuite suite) {
  auto aead = aead_for(backend, suite);
  std::vector<std::uint8_t> header(kHeader, 0x40);
  std::vector<std::uint8_t> buf(kPayload + kAeadTagLength, 0x55);
  std::uint64_t pn = 0;
  for (auto _ : state) {
    if (!aead || !aead->seal(pn++, header, buf).ok()) state.SkipWithError("seal failed");
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPayload));
}

void bm_seal_open(benchmark::State& state, CryptoBackend backend, CipherSuite suite) {
  auto aead = aead_for(backend, suite);
  std::vector<std::uint8_t> header(kHeader, 0x40);
  std::vector<std::uint8_t> buf(kPayload + kAeadTagLength, 0x55);
  std::uint64_t pn = 0;
  for (auto _ : state) {
    bool ok = aead && aead->seal(pn, header, buf).ok();
    auto opened = ok ? aead->open(pn, header, buf) : Result<OpenOutcome>(Error::local("seal"));
    if (!opened || *opened != OpenOutcome::ok) state.SkipWithError("round trip failed");
    ++pn;
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPayload));
}

void bm_hp_mask(benchmark::State& state, CryptoBackend backend, CipherSuite suite) {
  const std::vector<std::uint8_t> key(cipher_suite_traits(suite).hp_key_length, 0x17);
  auto hp = make_header_protector_with(backend, suite, key);
  std::vector<std::uint8_t> sample(kHpSampleLength, 0x33);
  HeaderProtectionMask mask{};
  for (auto _ : state) {
    if (!hp || !(*hp)->make_mask(sample, mask).ok()) state.SkipWithError("mask failed");
    sample[0] = static_cast<std::uint8_t>(sample[0] + mask[0] + 1);  // vary the sample
    benchmark::DoNotOptimize(mask.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void bm_packet(benchmark::State& state, CipherSuite suite) {
  const std::vector<std::uint8_t> secret(hash_length(cipher_suite_traits(suite).hash), 0x61);
  auto keys = make_packet_protection_keys(suite, QuicVersion::v1, secret);
  std::vector<std::uint8_t> packet(kHeader + kPayload + kAeadTagLength, 0x77);
  std::uint64_t pn = 1;
  for (auto _ : state) {
    packet[0] = 0x43;
    auto n =
        keys ? protect(packet, kHeader - 4, 4, pn, kPayload, *keys->aead, *keys->header_protector)
             : Result<std::size_t>(Error::local("keys"));
    auto r = n ? unprotect(packet, kHeader - 4, pn - 1, *keys->aead, *keys->header_protector)
               : Result<UnprotectedPacket>(n.error());
    if (!r || r->outcome != UnprotectOutcome::ok) state.SkipWithError("packet round trip failed");
    ++pn;
    benchmark::DoNotOptimize(packet.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPayload));
}

void register_all() {
  benchmark::RegisterBenchmark("memcpy/1350", bm_memcpy)->Unit(benchmark::kNanosecond);
  for (CipherSuite suite : kAllCipherSuites) {
    for (CryptoBackend b : kBackends) {
      const std::string tail = short_name(suite) + "/" + crypto_backend_name(b);
      benchmark::RegisterBenchmark(("seal/" + tail).c_str(), bm_seal, b, suite)
          ->Unit(benchmark::kNanosecond);
      benchmark::RegisterBenchmark(("seal_open/" + tail).c_str(), bm_seal_open, b, suite)
          ->Unit(benchmark::kNanosecond);
      benchmark::RegisterBenchmark(("hp_mask/" + tail).c_str(), bm_hp_mask, b, suite)
          ->Unit(benchmark::kNanosecond);
    }
    benchmark::RegisterBenchmark(("packet/" + short_name(suite) + "/default").c_str(), bm_packet,
                                 suite)
        ->Unit(benchmark::kNanosecond);
  }
}

// Console output as usual, plus a summary built from the median (or the
// single run) of each benchmark, in CPU ns per iteration.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      const std::string name = r.run_name.function_name;
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (median) {
        ns_[name] = r.GetAdjustedCPUTime();
        from_median_[name] = true;
      } else if (r.run_type == Run::RT_Iteration && !from_median_[name]) {
        ns_[name] = r.GetAdjustedCPUTime();  // last single run if no repetitions
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    auto& out = GetOutputStream();
    const double memcpy_ns = get("memcpy/1350");
    out << "\nSummary (CPU time, median of repetitions; 1350-byte payload)\n";
    out << "memcpy 1350 B: " << memcpy_ns << " ns = " << gbps(memcpy_ns) << " GB/s\n";
    for (CipherSuite suite : kAllCipherSuites) summarize(out, suite, memcpy_ns);
  }

 private:
  double get(const std::string& name) const {
    auto it = ns_.find(name);
    return it == ns_.end() ? 0.0 : it->second;
  }
  static double gbps(double ns) { return ns > 0 ? static_cast<double>(kPayload) / ns : 0.0; }

  void summarize(std::ostream& out, CipherSuite suite, double memcpy_ns) {
    const std::string s = short_name(suite);
    if (get("seal/" + s + "/openssl") <= 0 || get("seal/" + s + "/gnutls") <= 0)
      return;  // filtered out
    double seal[2];
    double open[2];
    double mask[2];
    for (int i = 0; i < 2; ++i) {
      const std::string tail = s + "/" + crypto_backend_name(kBackends[i]);
      seal[i] = get("seal/" + tail);
      open[i] = get("seal_open/" + tail) - seal[i];
      mask[i] = get("hp_mask/" + tail);
      out << s << " " << crypto_backend_name(kBackends[i]) << ": seal " << gbps(seal[i])
          << " GB/s, open " << gbps(open[i]) << " GB/s, hp mask " << mask[i] << " ns"
          << ", seal cost = " << (memcpy_ns > 0 ? seal[i] / memcpy_ns : 0) << "x memcpy\n";
    }
    const double ratio_seal = seal[1] > 0 ? seal[0] / seal[1] : 0;
    const double ratio_open = open[1] > 0 ? open[0] / open[1] : 0;
    const double ratio_mask = mask[1] > 0 ? mask[0] / mask[1] : 0;
    // Throughput ratio gnutls/openssl = time(openssl)/time(gnutls).
    out << s << " gnutls/openssl throughput: seal " << ratio_seal << ", open " << ratio_open
        << ", hp mask " << ratio_mask << "\n";
    const Pick aead_pick = pick(seal[0] + open[0], seal[1] + open[1]);
    const Pick hp_pick = pick(mask[0], mask[1]);
    const BackendChoice current = default_backends(suite);
    const bool agrees =
        aead_pick.accepts(current.aead) && hp_pick.accepts(current.header_protection);
    out << s << " measured pick: aead=" << aead_pick.name() << " hp=" << hp_pick.name()
        << "; compiled default: aead=" << crypto_backend_name(current.aead)
        << " hp=" << crypto_backend_name(current.header_protection)
        << (agrees ? " (agrees)" : " (DIFFERS)") << "; default packet protect+unprotect "
        << get("packet/" + s + "/default") << " ns\n";
  }

  // The faster library, or a tie when the two are within kTieMargin of each
  // other (run-to-run noise on a shared VM is a few percent).
  struct Pick {
    static constexpr double kTieMargin = 0.05;
    bool tie;
    CryptoBackend faster;
    bool accepts(CryptoBackend b) const { return tie || b == faster; }
    std::string name() const { return tie ? std::string("tie") : crypto_backend_name(faster); }
  };
  static Pick pick(double openssl_ns, double gnutls_ns) {
    const double lo = std::min(openssl_ns, gnutls_ns);
    const double hi = std::max(openssl_ns, gnutls_ns);
    const bool tie = hi <= lo * (1.0 + Pick::kTieMargin);
    return {tie, gnutls_ns < openssl_ns ? CryptoBackend::gnutls : CryptoBackend::openssl};
  }

  std::map<std::string, double> ns_;
  std::map<std::string, bool> from_median_;
};

}  // namespace
}  // namespace tquic::crypto

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  tquic::crypto::register_all();
  tquic::crypto::SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
