#include "apps/serve_config.h"

#include <toml++/toml.h>

#include "apps/value_parsers.h"

namespace tquic::apps {
namespace {

bool entry_from(const std::string& key, const toml::node& node, ConfigEntry& e, std::string& why) {
  e.key = key;
  e.line = static_cast<int>(node.source().begin.line);
  if (auto s = node.value<std::string>(); s && node.is_string()) e.text = *s;
  else if (node.is_boolean()) e.is_bool = true, e.bool_value = *node.value<bool>();
  else if (node.is_integer()) e.text = std::to_string(*node.value<std::int64_t>());
  else if (const toml::array* a = node.as_array()) {
    for (const toml::node& item : *a) {
      if (!item.is_string()) return (why = "'" + key + "' must be a list of strings"), false;
      if (!e.text.empty()) e.text.push_back(',');
      e.text += *item.value<std::string>();
    }
  } else {
    return (why = "'" + key + "' must be a string, a boolean, a number or a list of strings"), false;
  }
  return true;
}

}  // namespace

bool load_config_file(const std::string& path, std::vector<ConfigEntry>& out, std::string& error) {
  out.clear();
  const std::string where = "--config " + quote_value(path) + ": ";
  toml::table table;
  try {  // the Debian toml++ is built with exceptions: parse errors arrive as one
    table = toml::parse_file(path);
  } catch (const toml::parse_error& err) {
    const auto line = err.source().begin.line;
    error = where + (line > 0 ? "line " + std::to_string(line) + ": " : "") + std::string(err.description()) +
            (line > 0 ? "; fix the TOML syntax" : "; pass a readable TOML file");
    return false;
  }
  for (const auto& [k, node] : table) {
    ConfigEntry e;
    std::string why;
    if (!entry_from(std::string(k.str()), node, e, why)) {
      error = where + "line " + std::to_string(node.source().begin.line) + ": " + why;
      return false;
    }
    out.push_back(std::move(e));
  }
  return true;
}

}  // namespace tquic::apps
