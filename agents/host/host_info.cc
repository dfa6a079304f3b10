#include "agents/host/host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace sweep {
namespace {

// HOST_NAME_MAX is 64 on Linux; leave room for the terminator.
constexpr std::size_t kHostNameBuffer = 256;

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Value of the first "key<sep>value" line whose key (trimmed) is `key`.
std::string FindValue(std::string_view text, std::string_view key, char sep) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    const std::size_t at = line.find(sep);
    if (at != std::string_view::npos && Trim(line.substr(0, at)) == key) {
      return std::string(Trim(line.substr(at + 1)));
    }
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return "";
}

}  // namespace

std::string ParseOsReleasePrettyName(std::string_view os_release) {
  std::string value = FindValue(os_release, "PRETTY_NAME", '=');
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

std::string ParseCpuModel(std::string_view cpuinfo) {
  for (std::string_view key : {"model name", "Model", "Hardware"}) {
    std::string value = FindValue(cpuinfo, key, ':');
    if (!value.empty()) return value;
  }
  return "";
}

HostInfo ReadHostInfo() {
  HostInfo info;
  char name[kHostNameBuffer] = "";
  if (::gethostname(name, sizeof name - 1) == 0) info.hostname = name;
  std::string os = ReadFile("/etc/os-release");
  if (os.empty()) os = ReadFile("/usr/lib/os-release");  // os-release(5) fallback
  info.os = ParseOsReleasePrettyName(os);
  if (utsname u{}; ::uname(&u) == 0) {
    info.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
  }
  info.cpu_model = ParseCpuModel(ReadFile("/proc/cpuinfo"));
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  info.cpu_count = cpus > 0 ? static_cast<int>(cpus) : 0;
  return info;
}

}  // namespace sweep
