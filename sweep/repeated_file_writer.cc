#include "sweep/repeated_file_writer.h"

#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace sweep {

Status RepeatedFileWriter::Write(const std::filesystem::path& path, const std::string& text) {
  const std::string name = path.filename().string();
  auto last = last_by_name_.find(name);
  if (last != last_by_name_.end() && last->second.text == text) {
    ::unlink(path.c_str());  // link() does not replace; a fresh run folder has none
    if (::link(last->second.path.c_str(), path.c_str()) == 0) return OkStatus();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return Error::Io("cannot write " + path.string());
  last_by_name_[name] = Written{text, path};
  return OkStatus();
}

}  // namespace sweep
