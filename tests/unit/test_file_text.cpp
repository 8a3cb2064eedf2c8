// Unit tests for the bounded file reader: only regular files, never past the limit, never blocking.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

#include "config/file_text.hpp"
#include "temp_directory.hpp"

using namespace epsitter;
using Catch::Matchers::Contains;
using detail::check_file_readable;
using detail::FileReadError;
using detail::read_file_text;

TEST_CASE("a regular file is read whole, up to and including the limit", "[file_text]") {
  const testing::TempDirectory dir;
  const std::string text(70'000, 'x');  // more than one chunk of the reader
  const std::string path = dir.write("config.yaml", text);
  CHECK(read_file_text(path, 70'000) == text);
  CHECK(read_file_text(dir.write("empty", ""), 10).empty());
  CHECK_NOTHROW(check_file_readable(path, 70'000));
}

TEST_CASE("a file longer than the limit is refused", "[file_text]") {
  const testing::TempDirectory dir;
  const std::string path = dir.write("big", std::string(1025, 'x'));
  CHECK_THROWS_WITH(read_file_text(path, 1024),
                    Contains("it is larger than 1 KiB, the most allowed here"));
  CHECK_THROWS_AS(check_file_readable(path, 1024), FileReadError);
}

TEST_CASE("a FIFO is refused at once, without waiting for a writer", "[file_text]") {
  const testing::TempDirectory dir;
  const std::string path = (dir.path() / "fifo").string();
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(read_file_text(path, 1024), "it is a FIFO (named pipe), not a regular file");
  CHECK_THROWS_AS(check_file_readable(path, 1024), FileReadError);
}

TEST_CASE("devices and directories are refused before anything is read", "[file_text]") {
  const testing::TempDirectory dir;
  CHECK_THROWS_WITH(read_file_text("/dev/zero", 1 << 20),
                    "it is a character device, not a regular file");
  CHECK_THROWS_WITH(read_file_text(dir.path().string(), 1 << 20),
                    "it is a directory, not a regular file");
}

TEST_CASE("a file that cannot be opened reports errno", "[file_text]") {
  const testing::TempDirectory dir;
  try {
    static_cast<void>(read_file_text((dir.path() / "missing").string(), 10));
    FAIL("no error");
  } catch (const FileReadError& error) {
    CHECK(error.error_number() == ENOENT);
    CHECK(std::string{error.what()} == "No such file or directory");
  }
}
