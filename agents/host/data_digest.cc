#include "agents/host/data_digest.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <utility>
#include <vector>

#include "core/sha256.h"
#include "core/value_json.h"

namespace sweep {
namespace {

// Bytes read at a time while hashing: large enough to keep the read calls
// few, small enough to stay off the heap's large-allocation path.
constexpr std::size_t kReadChunkBytes = 1 << 20;

bool CountsRows(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".csv" || extension == ".tsv";
}

// One file: its SHA-256 and size, and its newline count when `count_lines`.
struct FileDigest {
  std::string sha256;
  std::uint64_t size = 0;
  std::uint64_t newlines = 0;
  bool ends_with_newline = true;
};

Result<FileDigest> ReadAndDigest(const std::filesystem::path& path, bool count_lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io("cannot read " + path.string());
  Sha256Stream hash;
  FileDigest out;
  std::vector<char> chunk(kReadChunkBytes);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    hash.Update(std::string_view(chunk.data(), got));
    out.size += got;
    if (count_lines) {
      out.newlines += static_cast<std::uint64_t>(std::count(chunk.data(), chunk.data() + got, '\n'));
      out.ends_with_newline = chunk[got - 1] == '\n';
    }
  }
  if (in.bad()) return Error::Io("cannot read " + path.string());
  out.sha256 = hash.HexDigest();
  return out;
}

// ReadAndDigest, or what `cache` remembers of the file at its size and mtime.
Result<FileDigest> DigestFile(const std::filesystem::path& path, bool count_lines, FileDigestCache* cache) {
  struct stat info {};
  std::error_code ec;
  const std::string real = std::filesystem::canonical(path, ec).string();
  if (cache == nullptr || ec || ::stat(path.c_str(), &info) != 0) return ReadAndDigest(path, count_lines);
  const auto size = static_cast<std::uint64_t>(info.st_size);
  const std::int64_t mtime_ns = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  if (auto hit = cache->Find(real, size, mtime_ns); hit && (hit->newlines || !count_lines))
    return FileDigest{hit->sha256, size, hit->newlines.value_or(0), hit->ends_with_newline};
  auto read = ReadAndDigest(path, count_lines);
  if (!read.ok()) return read;
  const auto newlines = count_lines ? std::optional<std::uint64_t>(read->newlines) : std::nullopt;
  cache->Put(real, size, mtime_ns, FileDigestCache::Entry{read->sha256, newlines, read->ends_with_newline});
  return read;
}

Result<DataDigest> DigestFolder(const std::filesystem::path& folder, FileDigestCache* cache) {
  std::vector<std::pair<std::string, std::filesystem::path>> files;  // (relative '/'-path, path)
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(folder, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code entry_error;  // a dangling symlink is skipped, not an error of the walk
    if (!it->is_regular_file(entry_error)) continue;  // follows a symlink to a file; folders' symlinks are not entered
    if (files.size() >= kMaxDigestFiles)
      return Error::InvalidInput(folder.string() + " has more than " + std::to_string(kMaxDigestFiles) +
                                 " files; name the data files or a smaller folder");
    files.emplace_back(it->path().lexically_relative(folder).generic_string(), it->path());
  }
  if (ec) return Error::Io("cannot list " + folder.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  DataDigest out;
  std::string listing;
  for (const auto& [relative, path] : files) {
    auto file = DigestFile(path, /*count_lines=*/false, cache);
    if (!file.ok()) return file.error();
    listing += file->sha256 + "  " + relative + "\n";
    out.size += file->size;
  }
  out.files = files.size();
  out.sha256 = Sha256Hex(listing);
  return out;
}

}  // namespace

Result<DataDigest> DigestData(const std::filesystem::path& path, FileDigestCache* cache) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return Error::NotFound("no such file or folder: " + path.string());
  if (std::filesystem::is_directory(status)) return DigestFolder(path, cache);
  if (!std::filesystem::is_regular_file(status))
    return Error::InvalidInput(path.string() + " is neither a file nor a folder");
  const bool rows = CountsRows(path);
  auto file = DigestFile(path, rows, cache);
  if (!file.ok()) return file.error();
  DataDigest out{file->sha256, file->size, 1, std::nullopt};
  if (rows && file->size > 0) {
    const std::uint64_t lines = file->newlines + (file->ends_with_newline ? 0 : 1);
    out.rows = lines > 0 ? lines - 1 : 0;  // the header is not a row
  }
  return out;
}

DataInput InputFromDigest(std::string name, const DataDigest& digest, std::string path, std::string context) {
  return DataInput{std::move(name), digest.sha256, digest.size, digest.files, digest.rows, std::move(path),
                   std::move(context)};
}

std::string InputTagValue(const DataInput& input) {
  ValueMap fields{{"digest", Value(input.digest)},
                  {"size", Value(static_cast<std::int64_t>(input.size))},
                  {"files", Value(static_cast<std::int64_t>(input.files))}};
  if (input.rows) fields.emplace_back("rows", Value(static_cast<std::int64_t>(*input.rows)));
  fields.emplace_back("path", Value(input.path));
  fields.emplace_back("context", Value(input.context));
  return ToJson(Value(std::move(fields)));
}

Result<DataInput> ParseInputTag(const std::string& key, const std::string& value) {
  const std::string_view prefix(kInputTagPrefix);
  if (key.rfind(prefix, 0) != 0) return Error::InvalidInput(key + " is not a data input tag");
  auto parsed = ParseJson(value);
  if (!parsed.ok() || !parsed->is_map()) return Error::InvalidInput(key + " does not hold a data input");
  const Value* digest = parsed->find("digest");
  if (digest == nullptr || !digest->is_string()) return Error::InvalidInput(key + " has no digest");
  DataInput input;
  input.name = key.substr(prefix.size());
  input.digest = digest->as_string();
  auto count = [&](const char* field) -> std::optional<std::uint64_t> {
    const Value* v = parsed->find(field);
    if (v == nullptr || !v->is_int() || v->as_int() < 0) return std::nullopt;
    return static_cast<std::uint64_t>(v->as_int());
  };
  input.size = count("size").value_or(0);
  input.files = count("files").value_or(0);
  input.rows = count("rows");
  for (auto [field, out] : {std::pair{"path", &input.path}, std::pair{"context", &input.context}}) {
    const Value* v = parsed->find(field);
    if (v != nullptr && v->is_string()) *out = v->as_string();
  }
  return input;
}

}  // namespace sweep
