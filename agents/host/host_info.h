// Facts about the machine for the run environment record: host name, OS,
// kernel, CPU model and count. Parsers are separate from the file reads so
// they can be tested on fixed text.
//
// Thread-safety: pure functions; ReadHostInfo only reads files.
#pragma once

#include <string>
#include <string_view>

namespace sweep {

struct HostInfo {
  std::string hostname;
  std::string os;         // /etc/os-release PRETTY_NAME, "Debian GNU/Linux 12 (bookworm)"
  std::string kernel;     // uname: "Linux 6.1.0-18-amd64 x86_64"
  std::string cpu_model;  // /proc/cpuinfo "model name" of the first CPU
  int cpu_count = 0;      // online logical CPUs
};

// Fields that cannot be determined are left empty / 0.
HostInfo ReadHostInfo();

// PRETTY_NAME's value from os-release text, unquoted; empty when absent.
std::string ParseOsReleasePrettyName(std::string_view os_release);
// The first "model name" from /proc/cpuinfo text (x86), else the first
// "Model"/"Hardware" (ARM); empty when absent.
std::string ParseCpuModel(std::string_view cpuinfo);

}  // namespace sweep
