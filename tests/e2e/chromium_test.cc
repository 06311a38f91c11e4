// Headless Chromium loads a page and a 10 MB file from `tquic serve` over
// HTTP/3 on loopback. The page fetches the file and writes its SHA-256
// (crypto.subtle) into the DOM, which --dump-dom prints; Chromium's own
// net log must show a QUIC session to our port that spoke HTTP/3 with our
// server (its SETTINGS, a 200 for the file). Skipped when Chromium is not
// installed ($TQUIC_CHROMIUM or /usr/bin/chromium).
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "e2e_fixture.h"

namespace tquic::e2e {
namespace {

constexpr std::uint64_t kFileSize = 10'000'000;

std::string chromium_binary() {
  const char* env = std::getenv("TQUIC_CHROMIUM");
  const std::string path = env && *env ? env : "/usr/bin/chromium";
  return ::access(path.c_str(), X_OK) == 0 ? path : "";
}

const char kPage[] = R"(<!doctype html>
<html><head><title>tquic h3</title></head><body><pre id="result">pending</pre>
<script>
(async () => {
  const out = document.getElementById('result');
  try {
    const r = await fetch('/big.bin', {cache: 'no-store'});
    const buf = await r.arrayBuffer();
    const d = await crypto.subtle.digest('SHA-256', buf);
    const hex = Array.from(new Uint8Array(d)).map(b => b.toString(16).padStart(2, '0')).join('');
    out.textContent = 'status=' + r.status + ' bytes=' + buf.byteLength + ' sha256=' + hex + ' done';
  } catch (e) { out.textContent = 'error=' + e + ' done'; }
})();
</script></body></html>
)";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The number Chromium's net log gives the event `name` (in "constants").
std::string event_type(const std::string& log, const std::string& name) {
  const std::string key = "\"" + name + "\":";
  const auto at = log.find(key);
  if (at == std::string::npos) return "";
  const auto end = log.find_first_not_of("0123456789", at + key.size());
  return log.substr(at + key.size(), end - at - key.size());
}

// Events of one type: one per line in the net log file.
std::vector<std::string> events(const std::string& log, const std::string& name) {
  std::vector<std::string> out;
  const std::string type = event_type(log, name);
  if (type.empty()) return out;
  const std::string tail = "\"type\":" + type + "}";
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find(tail) != std::string::npos) out.push_back(line);
  return out;
}

bool any_has(const std::vector<std::string>& lines, std::initializer_list<std::string> parts) {
  for (const std::string& l : lines) {
    bool all = true;
    for (const std::string& p : parts) all = all && l.find(p) != std::string::npos;
    if (all) return true;
  }
  return false;
}

TEST(Chromium, LoadsAPageAndTenMegabytesOverHttp3) {
  const std::string chromium = chromium_binary();
  if (chromium.empty()) GTEST_SKIP() << "Chromium is not installed (apt-get install chromium, or set TQUIC_CHROMIUM)";
  E2e e;
  {
    std::ofstream(e.root + "/index.html") << kPage;
  }
  e.add_file("big.bin", kFileSize);
  ASSERT_NO_FATAL_FAILURE(e.start({"--alpn", "h3,hq-interop"}));
  const std::string pin_line = e.server->process().wait_for_line("--ignore-certificate-errors-spki-list=", 5s);
  const auto pin_at = pin_line.find("spki-list=");
  ASSERT_NE(pin_at, std::string::npos) << "serve printed no SPKI pin";
  const std::string spki = pin_line.substr(pin_at + 10, pin_line.find(')', pin_at) - pin_at - 10);
  const std::string origin = "127.0.0.1:" + std::to_string(e.server->port());
  const std::string net_log = e.dir + "/netlog.json";

  Process browser({chromium, "--headless=new", "--no-sandbox", "--user-data-dir=" + e.dir + "/profile",
                   "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
                   "--disable-features=OptimizationHints,MediaRouter,Translate", "--metrics-recording-only",
                   "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  // nothing beyond loopback
                   "--enable-quic", "--origin-to-force-quic-on=" + origin,
                   "--ignore-certificate-errors-spki-list=" + spki, "--log-net-log=" + net_log,
                   "--virtual-time-budget=30000", "--dump-dom", "https://" + origin + "/index.html"},
                  {}, /*own_group=*/true);
  const int status = browser.wait(90s);  // the whole process group is killed after that
  ASSERT_EQ(status, 0) << "chromium failed or hung:\n" << browser.err().substr(0, 4000);

  const std::string dom = browser.out();
  EXPECT_NE(dom.find("status=200 bytes=" + std::to_string(kFileSize) + " sha256=" + e.sha.at("big.bin") + " done"),
            std::string::npos)
      << "page content: " << dom.substr(0, 2000);

  const std::string log = read_text(net_log);
  ASSERT_FALSE(log.empty()) << "no net log at " << net_log;
  EXPECT_TRUE(any_has(events(log, "QUIC_SESSION"), {"\"host\":\"127.0.0.1\"", "\"port\":" + std::to_string(e.server->port())}))
      << "no QUIC session to " << origin;
  // Our server's SETTINGS (apps serve: QPACK table 4096, 16 blocked streams, 64 KiB field sections)
  // arrived on an HTTP/3 control stream: ALPN h3, not hq-interop.
  EXPECT_TRUE(any_has(events(log, "HTTP3_SETTINGS_RECEIVED"),
                      {"\"SETTINGS_QPACK_MAX_TABLE_CAPACITY\":4096", "\"SETTINGS_MAX_FIELD_SECTION_SIZE\":65536"}))
      << "no HTTP/3 SETTINGS from tquic in the net log";
  EXPECT_TRUE(any_has(events(log, "HTTP3_HEADERS_DECODED"),
                      {":status: 200", "content-length: " + std::to_string(kFileSize)}))
      << "no HTTP/3 response for the 10 MB file in the net log";
  const std::string served = e.server->stop();
  EXPECT_NE(served.find("files sent"), std::string::npos) << served;
}

}  // namespace
}  // namespace tquic::e2e
