// RepeatedFileWriter: writes the same text into many run folders without a
// new inode per copy. The environment files of a sweep's runs
// (requirements.txt, diff.patch) are usually identical from run to run; the
// first copy is written, later copies of the same text under the same name
// are hard links to it. Creating a file (an inode) was the largest cost of
// a short trial's launch; a link is a directory entry only.
//
// Readers see an ordinary file either way. The copies are never written
// again after the run starts; a tool that edits one in place edits them all,
// as with any hard link. When the linked-to file is gone (its run deleted),
// on another filesystem, or linking fails for any other reason, the text is
// written as a new file, which later copies link to.
//
// Not thread-safe: one controller thread.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "core/result.h"

namespace sweep {

class RepeatedFileWriter {
 public:
  // Writes `text` to `path` (replacing it), or links `path` to the last file
  // this writer wrote with the same file name and text.
  Status Write(const std::filesystem::path& path, const std::string& text);

 private:
  struct Written {
    std::string text;
    std::filesystem::path path;
  };
  std::map<std::string, Written> last_by_name_;  // keyed by file name
};

}  // namespace sweep
