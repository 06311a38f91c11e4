// An HTTP/3 session (RFC 9114) over one QUIC connection, client or server,
// with QPACK (RFC 9204) and HTTP Datagrams (RFC 9297).
//
// Sans-I/O like the connection it drives: the session never owns the
// Connection, every call names it, and every call is one complete action.
// The caller forwards each connection event, calls poll() after each batch
// of connection calls, and drains the session's own events:
//
//   while (conn.poll_event(ev)) session.on_connection_event(conn, ev, now);
//   session.poll(conn, now);
//   while (session.poll_event(hev)) handle(hev);
//
// What the session does on its own:
//  - once the connection is established (a client: as soon as it has 0-RTT
//    keys, RFC 9001 §4.6.1), opens the control stream and the QPACK encoder
//    and decoder streams and sends SETTINGS (§6.2, RFC 9204 §4.2);
//  - reads the peer's unidirectional streams: control (SETTINGS, GOAWAY,
//    MAX_PUSH_ID; ordering rules in control_stream.h), QPACK encoder stream
//    into our decoder, QPACK decoder stream into our encoder; unknown and
//    reserved types get STOP_SENDING(H3_STREAM_CREATION_ERROR); push
//    streams are H3_ID_ERROR (we never send MAX_PUSH_ID, §4.6) or, at a
//    server, H3_STREAM_CREATION_ERROR; closing a critical stream is
//    H3_CLOSED_CRITICAL_STREAM;
//  - decodes field sections, holding back QPACK-blocked streams (at most
//    SETTINGS_QPACK_BLOCKED_STREAMS) until the encoder stream unblocks them,
//    and sends Section Acknowledgment, Stream Cancellation and Insert Count
//    Increment instructions;
//  - validates messages (message.h): a malformed message resets that stream
//    only (H3_MESSAGE_ERROR, H3_REQUEST_INCOMPLETE, ...); a connection error
//    closes the connection with its H3 code (application CONNECTION_CLOSE);
//  - GOAWAY: shutdown() sends it, rejects later requests with
//    H3_REQUEST_REJECTED, and closes with H3_NO_ERROR once every accepted
//    request is answered and acknowledged; a client receiving GOAWAY stops
//    opening requests and reports the ones the server will not process as
//    stream_reset(H3_REQUEST_REJECTED).
//
// Lifetimes: views returned by the session (fields, request heads, body
// bytes) are valid until the next call into the session. A stream's record
// lives until the application has read its last event; it is released by
// the next poll_event() call after that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "h3/control_stream.h"
#include "h3/h3_error.h"
#include "h3/instruction_stream.h"
#include "h3/message.h"
#include "h3/message_stream.h"
#include "h3/pending_output.h"
#include "h3/qpack/decoder.h"
#include "h3/qpack/encoder.h"
#include "h3/session_config.h"
#include "h3/session_events.h"
#include "h3/settings.h"
#include "h3/stream_types.h"
#include "transport/connection/connection.h"
#include "wire/role.h"

namespace tquic::h3 {

// A request to send (client). Names of `headers` must be lowercase.
struct RequestSpec {
  std::string_view method = "GET";
  std::string_view scheme = "https";
  std::string_view authority;
  std::string_view path = "/";
  // Extended CONNECT (RFC 9220): needs the server's
  // SETTINGS_ENABLE_CONNECT_PROTOCOL. Plain CONNECT sends no :scheme/:path.
  std::string_view protocol;
  std::span<const FieldLine> headers;
};

// An HTTP datagram returned by read_datagram(): its payload was moved to the
// start of the caller's buffer.
struct ReceivedDatagram {
  transport::StreamId stream_id = 0;
  std::size_t size = 0;
};

struct SessionStats {
  std::uint64_t requests_sent = 0;        // client
  std::uint64_t requests_received = 0;    // server: valid request header sections
  std::uint64_t requests_rejected = 0;    // server: after GOAWAY (H3_REQUEST_REJECTED)
  std::uint64_t responses_received = 0;   // client: final responses
  std::uint64_t streams_aborted = 0;      // we reset a stream (stream errors, cancel())
  std::uint64_t streams_reset_by_peer = 0;
  std::uint64_t blocked_sections = 0;     // field sections that waited for the encoder stream
  std::uint64_t unknown_streams = 0;      // unidirectional streams of unknown/reserved type
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_received = 0;
  std::uint64_t datagrams_dropped = 0;    // unknown or closed stream, or not offered
};

class Session {
 public:
  Session(wire::Role role, const SessionConfig& config = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // ---- driving ------------------------------------------------------------
  void on_connection_event(transport::Connection& conn, const transport::ConnectionEvent& ev,
                           Timestamp now);
  // Starts the session once the connection is established, re-reads streams
  // whose events may have been lost, completes a graceful shutdown.
  void poll(transport::Connection& conn, Timestamp now);
  bool poll_event(SessionEvent& out);

  // ---- client -------------------------------------------------------------
  // 0-RTT (§7.2.4.2): the server's SETTINGS from the connection whose ticket
  // this one resumes; call before the first poll(). Until the server's own
  // SETTINGS arrive the session complies with these (without them, with the
  // defaults) when it starts early, i.e. when the connection has 0-RTT keys
  // (Connection::early_data_available()): SETTINGS and requests then leave
  // as 0-RTT. If the server accepted 0-RTT, SETTINGS that are not
  // settings_compatible() with these are H3_SETTINGS_ERROR. Our encoder
  // uses no dynamic table before the server's SETTINGS arrive.
  void remember_peer_settings(const Settings& s);
  // Opens a request stream and sends the header section (and FIN if
  // `end_stream`). Errors: blocked (not started yet, or the peer's stream
  // limit: retry after the next event), local (invalid request, after
  // GOAWAY or shutdown(), header section over the peer's limit).
  Result<transport::StreamId> submit_request(transport::Connection& conn, const RequestSpec& request,
                                             bool end_stream, Timestamp now);
  // The final response, once a `response` event was reported.
  const ResponseHead* response(transport::StreamId id) const;

  // ---- server -------------------------------------------------------------
  // The request, once a `request` event was reported.
  const RequestHead* request(transport::StreamId id) const;
  // Sends a response header section (:status plus `headers`); a 1xx status
  // is interim and may be followed by more. FIN after it if `end_stream`.
  Status send_response(transport::Connection& conn, transport::StreamId id, std::uint16_t status,
                       std::span<const FieldLine> headers, bool end_stream);

  // ---- both ---------------------------------------------------------------
  // Header fields (pseudo-headers first) and trailer fields of the peer's
  // message on `id`.
  std::span<const FieldLine> headers(transport::StreamId id) const;
  std::span<const FieldLine> trailers(transport::StreamId id) const;
  std::optional<std::string_view> header(transport::StreamId id, std::string_view name) const;

  // Sends content after the header section. Takes what the stream's send
  // buffer allows and returns how many bytes that was; `fin` applies when
  // all of `data` was taken (the FIN may wait in the session behind bytes
  // the connection has not taken yet). Bytes not taken MUST be offered
  // again, first, on the next call (after a `writable` event): a DATA frame
  // may already announce them.
  Result<std::size_t> send_body(transport::Connection& conn, transport::StreamId id, ByteSpan data,
                                bool fin);
  // Content of the peer's message: a view into the connection's receive
  // buffer (no copy), at most the rest of the current DATA frame.
  ByteSpan peek_body(const transport::Connection& conn, transport::StreamId id) const;
  std::size_t consume_body(transport::Connection& conn, transport::StreamId id, std::size_t n,
                           Timestamp now);
  // From now on the content of `id` is consumed and dropped without events.
  void discard_body(transport::Connection& conn, transport::StreamId id, Timestamp now);
  // Cancels the exchange (§4.1.1): resets what we send and stops reading,
  // with `code` (clients: H3_REQUEST_CANCELLED; servers: H3_REQUEST_REJECTED
  // before processing, else H3_REQUEST_CANCELLED).
  Status cancel(transport::Connection& conn, transport::StreamId id, H3Error code, Timestamp now);
  // Our message on `id` is complete (FIN queued) or was reset.
  bool send_finished(transport::StreamId id) const;

  // ---- HTTP datagrams (RFC 9297) --------------------------------------------
  // Both sides sent SETTINGS_H3_DATAGRAM=1.
  bool datagrams_enabled() const;
  // On a CONNECT / extended CONNECT stream whose sending part is open.
  Status send_datagram(transport::Connection& conn, transport::StreamId id, ByteSpan payload);
  // The next HTTP datagram for an open stream; `buffer` must hold the whole
  // QUIC datagram (65535 bytes always suffice). Datagrams for unknown or
  // closed streams are dropped; one for a stream without datagram semantics
  // resets that stream (H3_DATAGRAM_ERROR). Error::blocked when none is left.
  Result<ReceivedDatagram> read_datagram(transport::Connection& conn, MutByteSpan buffer, Timestamp now);

  // ---- shutdown -----------------------------------------------------------
  // Graceful (§5.2): GOAWAY now, CONNECTION_CLOSE(H3_NO_ERROR) once every
  // accepted request is finished and acknowledged.
  void shutdown(transport::Connection& conn, Timestamp now);
  // Immediate (§5.3).
  void close(transport::Connection& conn, H3Error code, std::string_view reason, Timestamp now);

  // ---- information ----------------------------------------------------------
  wire::Role role() const { return role_; }
  bool started() const { return control_id_.has_value() && encoder_id_.has_value() && decoder_id_.has_value(); }
  bool peer_settings_received() const { return control_rx_.settings_received(); }
  // The server's SETTINGS once they arrived; before that the remembered
  // ones (client, 0-RTT) or the defaults.
  const Settings& peer_settings() const {
    return control_rx_.settings_received() ? control_rx_.peer_settings() : remembered_settings_;
  }
  const Settings& local_settings() const { return local_settings_; }
  std::optional<std::uint64_t> peer_goaway_id() const { return control_rx_.last_goaway_id(); }
  std::optional<std::uint64_t> goaway_sent_id() const { return goaway_sent_; }
  bool shutting_down() const { return goaway_sent_.has_value(); }
  bool closing() const { return closing_; }
  // Request streams whose exchange is not finished.
  std::size_t active_streams() const;
  const SessionStats& stats() const { return stats_; }
  const qpack::Decoder& qpack_decoder() const { return decoder_; }
  const qpack::Encoder& qpack_encoder() const { return encoder_; }

 private:
  struct Call {
    transport::Connection& conn;
    Timestamp now;
  };
  struct PeerUniStream {
    transport::StreamId id = 0;
    UniStreamHeaderReader header;
    UniStreamKind kind = UniStreamKind::unknown;
    bool typed = false;
  };
  struct QueuedEvent {
    SessionEvent event;
    bool counted = false;  // holds a reference on its stream's record
  };

  // session.cc: records, events, errors
  MessageStream* find(transport::StreamId id);
  const MessageStream* find(transport::StreamId id) const;
  MessageStream& create(transport::StreamId id, MessageStreamKind kind);
  void release(transport::StreamId id);
  void release_retired();
  void maybe_retire(MessageStream& s);
  void emit(const SessionEvent& ev, MessageStream* s = nullptr);
  void emit_stream(SessionEventType type, MessageStream& s);
  void connection_error(Call& c, const Error& e);
  void stream_error(Call& c, MessageStream& s, const Error& e);
  void abort_stream(Call& c, MessageStream& s, std::uint64_t code, bool report);
  void report_reset(MessageStream& s, std::uint64_t code, bool by_peer);
  void cancel_qpack_state(Call& c, MessageStream& s);
  void on_connection_closed(transport::Connection& conn);
  void on_stream_event(Call& c, const transport::ConnectionEvent& ev);
  void on_stream_opened(Call& c, transport::StreamId id);
  void on_stream_writable(Call& c, transport::StreamId id);
  void rescan(Call& c);

  // session_setup.cc: local streams, SETTINGS, GOAWAY, shutdown
  void ensure_started(Call& c);
  Status open_local_stream(Call& c, std::optional<transport::StreamId>& slot, UniStreamType type);
  Status write_settings(Call& c);
  Status apply_peer_settings(Call& c, const Settings& s);
  void on_peer_goaway(Call& c, std::uint64_t id);
  void maybe_finish_shutdown(Call& c);
  bool everything_settled(Call& c);
  Status write_control(Call& c, ByteSpan frame);
  Status write_decoder_stream(Call& c, ByteSpan bytes);

  // session_uni.cc: the peer's unidirectional streams
  void on_uni_readable(Call& c, PeerUniStream& u);
  Status read_uni_header(Call& c, PeerUniStream& u, bool& keep);
  Status read_control(Call& c, transport::StreamId id);
  Status read_encoder_stream(Call& c, transport::StreamId id);
  Status read_decoder_stream(Call& c, transport::StreamId id);
  void resume_unblocked(Call& c);
  void on_uni_reset(Call& c, transport::StreamId id);
  PeerUniStream* find_uni(transport::StreamId id);
  void forget_uni(transport::StreamId id);

  // session_receive.cc: the peer's messages
  void process_message(Call& c, MessageStream& s);
  Status on_field_section(Call& c, MessageStream& s, ByteSpan section, bool trailers);
  Status on_header_section(MessageStream& s);
  Status on_request_head(MessageStream& s);
  Status on_response_head(MessageStream& s, bool& final_response);
  Status on_trailer_section(MessageStream& s);
  void on_section_too_large(Call& c, MessageStream& s);
  void on_message_fin(Call& c, MessageStream& s);
  void resume_blocked(Call& c, MessageStream& s);
  void on_peer_reset(Call& c, transport::StreamId id, std::uint64_t code);
  void on_peer_stop_sending(Call& c, transport::StreamId id, std::uint64_t code);

  // session_send.cc: our messages
  Status respond(transport::Connection& conn, MessageStream& s, std::uint16_t status,
                 std::span<const FieldLine> headers, bool end_stream);
  Status write_field_section(transport::Connection& conn, MessageStream& s, std::span<const FieldLine> lines);
  Result<std::size_t> write_body(transport::Connection& conn, MessageStream& s, ByteSpan data, bool fin);
  void build_request_lines(const RequestSpec& r);

  // session_datagram.cc
  bool datagram_accepted(Call& c, transport::StreamId stream_id);

  wire::Role role_;
  SessionConfig config_;
  Settings local_settings_{};
  FrameReaderLimits message_limits_{};
  qpack::Decoder decoder_;
  qpack::Encoder encoder_;

  // Our unidirectional streams and what waits to be written on them.
  std::optional<transport::StreamId> control_id_, encoder_id_, decoder_id_;
  PendingOutput control_out_, encoder_out_, decoder_out_;

  // The peer's unidirectional streams.
  PeerUniStreams peer_uni_;
  std::vector<PeerUniStream> uni_streams_;
  ControlStreamReceiver control_rx_;
  Settings remembered_settings_{};  // client: in force until the server's SETTINGS arrive
  bool settings_remembered_ = false;
  InstructionStreamReader encoder_stream_in_;  // peer's encoder stream -> decoder_
  InstructionStreamReader decoder_stream_in_;  // peer's decoder stream -> encoder_
  std::optional<transport::StreamId> peer_control_id_, peer_encoder_id_, peer_decoder_id_;

  // Request streams.
  std::unordered_map<transport::StreamId, std::unique_ptr<MessageStream>> streams_;
  std::vector<std::unique_ptr<MessageStream>> free_records_;
  std::vector<transport::StreamId> release_next_;  // retired, released at the next poll_event()
  std::vector<transport::StreamId> unsettled_;     // released, send side not yet acknowledged
  transport::StreamId next_request_id_ = 0;        // client: our next request stream
  transport::StreamId next_peer_request_id_ = 0;   // server: first request stream not yet seen

  // Events for the application.
  std::vector<QueuedEvent> events_;
  std::size_t events_read_ = 0;
  bool datagram_event_queued_ = false;
  bool app_reading_ = false;  // inside consume_body(): no `data` events

  // Shutdown and closing.
  std::optional<std::uint64_t> goaway_sent_;
  std::uint64_t goaway_stream_bytes_mark_ = 0;
  bool closing_ = false;
  bool closed_reported_ = false;

  // Scratch memory, taken once.
  std::vector<std::uint8_t> decode_scratch_;  // Huffman strings of one section
  std::vector<std::uint8_t> encode_buffer_;   // one HEADERS frame
  std::vector<std::uint8_t> encoder_instructions_;
  std::vector<qpack::FieldLine> qpack_lines_;
  std::vector<FieldLine> lines_;
  std::vector<std::uint64_t> unblocked_;
  std::vector<std::uint8_t> datagram_buffer_;

  SessionStats stats_;
};

}  // namespace tquic::h3
