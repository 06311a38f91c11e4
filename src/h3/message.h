// Validation of decoded field sections into requests and responses
// (RFC 9114 §4.1.2, §4.2, §4.3, §4.4; RFC 9220 extended CONNECT).
//
// Input: the field lines QPACK produced, in order, as views. Output: a small
// struct of views into those same strings (nothing is copied). Any violation
// makes the message malformed: H3_MESSAGE_ERROR, a stream error (reset the
// stream; a server may first answer 400).
//
// Malformed (§4.1.2, §4.2, §4.3):
//  - empty name, uppercase or non-token characters in a name;
//  - NUL, CR, LF or another control character (HTAB aside) in a value, or a
//    value starting or ending with SP / HTAB;
//  - a pseudo-header after a regular field, a duplicate, an unknown one, one
//    of the other message kind, or any in trailers;
//  - connection-specific fields: connection, keep-alive, proxy-connection,
//    transfer-encoding, upgrade; te with a value other than "trailers";
//  - requests: :method missing; unless CONNECT, :scheme or :path missing or
//    :path empty; for http/https a :path not starting with '/' (except "*"
//    for OPTIONS), no non-empty :authority or Host, :authority and Host that
//    differ, userinfo in :authority;
//  - CONNECT (§4.4): :scheme or :path present, :authority missing;
//    extended CONNECT (RFC 9220, needs `allow_extended_connect`, i.e. we
//    sent SETTINGS_ENABLE_CONNECT_PROTOCOL=1): :protocol with :method
//    CONNECT and :scheme, :path, :authority all present;
//  - responses: :status missing, not three digits in 100..599, or 101
//    (§4.5: no Upgrade in HTTP/3);
//  - content-length not a decimal number, or several that disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/result.h"
#include "h3/request_stream.h"

namespace tquic::h3 {

struct FieldLine {
  std::string_view name;
  std::string_view value;
};

struct RequestHead {
  std::string_view method;
  std::string_view scheme;     // empty for CONNECT
  std::string_view authority;  // :authority, else Host, else empty
  std::string_view path;       // raw :path (with query); empty for CONNECT
  std::string_view protocol;   // :protocol (extended CONNECT), else empty
  bool is_connect = false;           // CONNECT without :protocol (§4.4)
  bool is_extended_connect = false;  // CONNECT with :protocol (RFC 9220)
  bool te_trailers = false;          // "te: trailers" present
  std::optional<std::uint64_t> content_length;
};

struct ResponseHead {
  std::uint16_t status = 0;
  std::optional<std::uint64_t> content_length;
  bool interim() const { return status < 200; }
};

struct RequestRules {
  bool allow_extended_connect = false;
};

Result<RequestHead> validate_request_header(std::span<const FieldLine> fields,
                                            const RequestRules& rules = {});
Result<ResponseHead> validate_response_header(std::span<const FieldLine> fields);
Status validate_trailer_section(std::span<const FieldLine> fields);

// RFC 9114 §4.2.2: the size a field section counts against
// SETTINGS_MAX_FIELD_SECTION_SIZE (name + value + 32 per line; saturating).
std::uint64_t field_section_size(std::span<const FieldLine> fields);

// What RequestStreamReceiver::accept_header_section() needs to know.
HeaderSectionInfo header_section_info(const RequestHead& request);
// `request_method` is the method of the request this responds to: HEAD
// responses, 204 and 304 have no content; a 2xx to CONNECT opens a tunnel.
HeaderSectionInfo header_section_info(const ResponseHead& response,
                                      std::string_view request_method);

}  // namespace tquic::h3
