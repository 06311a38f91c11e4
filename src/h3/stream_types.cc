#include "h3/stream_types.h"

#include "h3/h3_error.h"
#include "wire/varint.h"

namespace tquic::h3 {

bool write_stream_type(ByteWriter& w, std::uint64_t type) { return wire::write_varint(w, type); }

bool write_push_stream_header(ByteWriter& w, std::uint64_t push_id) {
  const std::size_t len = wire::varint_size(push_id);
  if (len == 0 || w.remaining() < 1 + len) return false;
  return wire::write_varint(w, to_wire(UniStreamType::push)) && wire::write_varint(w, push_id);
}

bool UniStreamHeaderReader::complete() const {
  if (!type_.complete()) return false;
  return classify_stream_type(type_.value()) != UniStreamKind::push || push_id_.complete();
}

UniStreamHeaderReader::Outcome UniStreamHeaderReader::feed(ByteSpan in) {
  Outcome out;
  out.consumed = type_.feed(in);
  if (type_.complete()) {
    out.type = type_.value();
    out.kind = classify_stream_type(out.type);
    if (out.kind == UniStreamKind::push) {
      out.consumed += push_id_.feed(in.subspan(out.consumed));
      out.push_id = push_id_.value();
    }
  }
  out.complete = complete();
  return out;
}

Result<UniStreamDisposition> PeerUniStreams::on_stream_type(UniStreamKind kind) {
  bool* seen = nullptr;
  switch (kind) {
    case UniStreamKind::control: seen = &control_; break;
    case UniStreamKind::qpack_encoder: seen = &encoder_; break;
    case UniStreamKind::qpack_decoder: seen = &decoder_; break;
    case UniStreamKind::push:
      if (local_role_ == wire::Role::server)
        return h3_error(H3Error::H3_STREAM_CREATION_ERROR, "client opened a push stream");
      return UniStreamDisposition::process;
    case UniStreamKind::unknown: return UniStreamDisposition::discard;
  }
  if (seen == nullptr) return UniStreamDisposition::discard;
  if (*seen) return h3_error(H3Error::H3_STREAM_CREATION_ERROR, "second critical stream of a type");
  *seen = true;
  return UniStreamDisposition::process;
}

Status PeerUniStreams::on_stream_closed(UniStreamKind kind) const {
  switch (kind) {
    case UniStreamKind::control:
    case UniStreamKind::qpack_encoder:
    case UniStreamKind::qpack_decoder:
      return h3_error(H3Error::H3_CLOSED_CRITICAL_STREAM, "critical stream closed");
    case UniStreamKind::push:
    case UniStreamKind::unknown: break;
  }
  return ok_status();
}

Status check_push_id_allowed(std::uint64_t push_id, std::optional<std::uint64_t> local_max_push_id) {
  if (!local_max_push_id.has_value())
    return h3_error(H3Error::H3_ID_ERROR, "push ID used before any MAX_PUSH_ID");
  if (push_id > *local_max_push_id)
    return h3_error(H3Error::H3_ID_ERROR, "push ID above MAX_PUSH_ID");
  return ok_status();
}

}  // namespace tquic::h3
