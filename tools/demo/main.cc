// tquic-demo: the local demo behind scripts/run. A server and a client on
// loopback UDP sockets, the traffic passing through tquic-relay (delay and
// loss, since this kernel has no netem), one stream carrying a generated
// payload; it ends with a one-line summary and a SHA-256 comparison.
//
//   tquic-demo [--size 10MB] [--delay 20ms] [--loss 1%] [--no-relay] [--cc cubic|bbr3|new_reno]
#include <openssl/evp.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

#include "crypto/tls/self_signed.h"
#include "relay_process.h"
#include "udp_node.h"

namespace tquic::demo {
namespace {

struct Options {
  std::uint64_t size = 10'000'000;
  std::string delay = "20ms";
  std::string loss = "1%";
  bool relay = true;
  transport::CongestionControlAlgorithm cc = transport::CongestionControlAlgorithm::bbr3;
};

bool parse_size(std::string_view v, std::uint64_t& out) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{}) return false;
  std::string_view unit(p, static_cast<std::size_t>(v.data() + v.size() - p));
  const std::uint64_t mult = unit.empty() || unit == "B" ? 1 : unit == "KB" ? 1000 : unit == "MB" ? 1'000'000
                             : unit == "GB" ? 1'000'000'000 : 0;
  out = n * mult;
  return mult != 0 && out > 0 && out <= 100'000'000'000ull;
}

bool parse_options(int argc, char** argv, Options& o, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--no-relay") o.relay = false;
    else if (a == "--size" && has_value) {
      if (!parse_size(argv[++i], o.size)) return (error = "--size needs a size like 10MB (B, KB, MB, GB)"), false;
    } else if (a == "--delay" && has_value) o.delay = argv[++i];
    else if (a == "--loss" && has_value) o.loss = argv[++i];
    else if (a == "--cc" && has_value) {
      auto cc = transport::parse_congestion_control_algorithm(argv[++i]);
      if (!cc) return (error = "--cc must be cubic, bbr3 or new_reno"), false;
      o.cc = *cc;
    } else {
      error = "unknown option '" + a + "' (use --size, --delay, --loss, --cc, --no-relay)";
      return false;
    }
  }
  return true;
}

std::uint8_t payload_byte(std::uint64_t i) { return static_cast<std::uint8_t>((i * 2654435761u) >> 13); }

struct Digest {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Digest() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
  ~Digest() { EVP_MD_CTX_free(ctx); }
  void update(ByteSpan b) { EVP_DigestUpdate(ctx, b.data(), b.size()); }
  std::string hex() {
    unsigned char md[32];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    std::string s;
    for (unsigned i = 0; i < len; ++i) {
      char b[3];
      std::snprintf(b, sizeof b, "%02x", md[i]);
      s += b;
    }
    return s;
  }
};

// The server side of the demo: answers any request stream with the payload.
struct Server {
  std::uint64_t size = 0;
  endpoint::ConnectionHandle conn;
  transport::StreamId stream = 0;
  bool active = false;
  std::uint64_t sent = 0;
  Digest digest;
  std::vector<std::uint8_t> chunk = std::vector<std::uint8_t>(64 * 1024);

  void on_event(endpoint::Endpoint& ep, const endpoint::EndpointEvent& e) {
    if (e.type != endpoint::EndpointEventType::connection) return;
    if (e.event.type == transport::ConnectionEventType::stream_readable && !active) {
      auto* c = ep.connection(e.handle);
      if (!c) return;
      for (ByteSpan v = c->stream_peek(e.event.stream_id); !v.empty(); v = c->stream_peek(e.event.stream_id))
        c->stream_consume(e.event.stream_id, v.size());
      conn = e.handle;
      stream = e.event.stream_id;
      active = true;
    }
  }

  void pump(endpoint::Endpoint& ep) {
    if (!active || sent == size) return;
    auto* c = ep.connection(conn);
    if (!c) return;
    for (int rounds = 0; rounds < 64 && sent < size; ++rounds) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size - sent));
      for (std::size_t i = 0; i < n; ++i) chunk[i] = payload_byte(sent + i);
      auto w = c->stream_write(stream, ByteSpan(chunk.data(), n), sent + n == size);
      if (!w || *w == 0) break;
      digest.update(ByteSpan(chunk.data(), *w));
      sent += *w;
    }
  }
};

struct Client {
  endpoint::ConnectionHandle conn;
  transport::StreamId stream = 0;
  bool requested = false;
  bool done = false;
  std::uint64_t received = 0;
  Digest digest;
  transport::ConnectionStats stats;

  void on_event(endpoint::Endpoint& ep, const endpoint::EndpointEvent& e) {
    if (e.type != endpoint::EndpointEventType::connection) return;
    auto* c = ep.connection(e.handle);
    if (!c) return;
    if (e.event.type == transport::ConnectionEventType::handshake_completed && !requested) {
      auto id = c->open_stream(true);
      if (!id) return;
      stream = *id;
      const std::string req = "GET /demo\r\n";
      (void)c->stream_write(stream, ByteSpan(reinterpret_cast<const std::uint8_t*>(req.data()), req.size()), true);
      requested = true;
    }
    if (e.event.type == transport::ConnectionEventType::stream_readable && e.event.stream_id == stream) read(*c);
  }

  void read(transport::Connection& c) {
    for (ByteSpan v = c.stream_peek(stream); !v.empty(); v = c.stream_peek(stream)) {
      digest.update(v);
      received += v.size();
      c.stream_consume(stream, v.size());
    }
    if (c.stream_fin_received(stream)) {
      done = true;
      stats = c.stats();
    }
  }
};

std::unique_ptr<crypto::TlsContext> make_tls(bool server, const crypto::PemCertificate& cert, std::string& err) {
  if (server) {
    crypto::TlsServerOptions o;
    o.cert_pem = cert.cert_pem;
    o.key_pem = cert.key_pem;
    o.alpn = {"hq-interop"};
    return crypto::TlsContext::make_server(o, err);
  }
  crypto::TlsClientOptions o;
  o.ca_pem = cert.cert_pem;
  o.alpn = {"hq-interop"};
  return crypto::TlsContext::make_client(o, err);
}

endpoint::EndpointConfig endpoint_config(const Options& o, std::uint8_t seed) {
  endpoint::EndpointConfig c;
  c.connection.congestion_control = o.cc;
  c.connection.initial_max_data = 16u << 20;
  c.connection.initial_max_stream_data = 8u << 20;
  c.seed.assign(32, 0);
  std::FILE* r = std::fopen("/dev/urandom", "rb");  // the runtime, not the core, reads the OS CSPRNG
  if (!r || std::fread(c.seed.data(), 1, c.seed.size(), r) != c.seed.size()) c.seed.assign(32, seed);
  if (r) std::fclose(r);
  c.unix_seconds_at_time_zero = static_cast<std::uint64_t>(std::time(nullptr));
  return c;
}

void progress(const Client& c, std::uint64_t size, bool tty) {
  if (!tty) return;
  std::fprintf(stderr, "\rdemo: %6.1f%% of %.1f MB", 100.0 * static_cast<double>(c.received) / static_cast<double>(size),
               static_cast<double>(size) / 1e6);
}

int run(const Options& o) {
  std::string err;
  const std::string loopback("\x7f\x00\x00\x01", 4);
  auto cert = crypto::generate_self_signed(std::time(nullptr), {"localhost"}, {loopback}, 1, err);
  auto stls = make_tls(true, cert, err);
  auto ctls = make_tls(false, cert, err);
  if (!stls || !ctls) return std::fprintf(stderr, "demo: %s\n", err.c_str()), 2;
  UdpNode server_node, client_node;
  const NetAddress lo = NetAddress::ipv4({127, 0, 0, 1}, 0);
  if (!server_node.open(lo, endpoint_config(o, 1), {stls.get(), nullptr}, err) ||
      !client_node.open(lo, endpoint_config(o, 2), {nullptr, ctls.get()}, err))
    return std::fprintf(stderr, "demo: %s\n", err.c_str()), 2;
  RelayProcess relay;
  NetAddress target = server_node.local();
  if (o.relay) {
    const auto relay_bin = (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "tquic-relay").string();
    if (!relay.start(relay_bin, server_node.local(), {"--delay", o.delay, "--loss", o.loss, "--seed", "1"}, err))
      return std::fprintf(stderr, "demo: %s\n", err.c_str()), 2;
    target = relay.listen_address();
  }
  transport::ClientOptions co;
  co.server_name = "localhost";
  co.tuple = PathTuple{client_node.local(), target};
  const Timestamp start = monotonic_now();
  Client client;
  Server server;
  server.size = o.size;
  auto h = client_node.endpoint().connect(std::move(co), start);
  if (!h) return std::fprintf(stderr, "demo: connect failed: %s\n", h.error().reason), 2;
  client.conn = *h;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  Timestamp last_progress = start;
  while (!client.done) {
    const Timestamp now = monotonic_now();
    if (now - start > 300s) return std::fprintf(stderr, "\ndemo: transfer did not finish in 300 s\n"), 1;
    const Timestamp next = std::min(server_node.next_deadline(), client_node.next_deadline());
    const auto wait_ms = next <= now ? 0 : std::min<std::int64_t>(50, std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1);
    pollfd fds[2] = {{server_node.fd(), POLLIN, 0}, {client_node.fd(), POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(wait_ms));
    const Timestamp t = monotonic_now();
    if (!server_node.pump(t) || !client_node.pump(t)) return std::fprintf(stderr, "\ndemo: I/O failure\n"), 1;
    endpoint::EndpointEvent e;
    while (server_node.endpoint().poll_event(e)) server.on_event(server_node.endpoint(), e);
    while (client_node.endpoint().poll_event(e)) client.on_event(client_node.endpoint(), e);
    server.pump(server_node.endpoint());
    if (auto* c = client_node.endpoint().connection(client.conn); c && !client.done && client.requested) client.read(*c);
    if (t - last_progress > 200ms) progress(client, o.size, tty), last_progress = t;
  }
  const double secs = std::chrono::duration<double>(monotonic_now() - start).count();
  const std::string got = client.digest.hex(), want = server.digest.hex();
  const bool ok = got == want && client.received == o.size;
  if (tty) std::fprintf(stderr, "\r");
  const auto& st = client.stats;
  transport::ConnectionStats sender;
  if (auto* c = server_node.endpoint().connection(server.conn)) sender = c->stats();
  const std::string link = o.relay ? "relay " + o.delay + " delay, " + o.loss + " loss" : "direct";
  std::printf("demo: %.1f MB in %.2f s = %.1f Mbit/s over loopback (%s, %s); packets lost %llu, retransmitted %llu; "
              "RTT %.1f ms (min %.1f); sha256 %s %s\n",
              static_cast<double>(client.received) / 1e6, secs, static_cast<double>(client.received) * 8 / secs / 1e6,
              link.c_str(), std::string(transport::congestion_control_algorithm_name(o.cc)).c_str(),
              static_cast<unsigned long long>(sender.packets_lost),
              static_cast<unsigned long long>(sender.packets_retransmitted),
              static_cast<double>(to_us(st.smoothed_rtt)) / 1000.0, static_cast<double>(to_us(st.min_rtt)) / 1000.0,
              ok ? "verified" : "MISMATCH", got.substr(0, 16).c_str());
  if (o.relay) std::printf("%s", relay.stop().c_str());
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace tquic::demo

int main(int argc, char** argv) {
  tquic::demo::Options o;
  std::string error;
  if (!tquic::demo::parse_options(argc, argv, o, error)) {
    std::fprintf(stderr, "tquic-demo: %s\n", error.c_str());
    return 2;
  }
  return tquic::demo::run(o);
}
