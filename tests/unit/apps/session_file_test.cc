#include <gtest/gtest.h>

#include <sys/stat.h>

#include "apps/download.h"
#include "apps/session_file.h"
#include "apps_test_util.h"

namespace tquic::apps {
namespace {

TEST(SessionFile, RoundTripsAndIsPrivate) {
  testing::TempDir d;
  SessionState s;
  s.server = "127.0.0.1:4433";
  s.cipher_suite = 0x1303;
  s.version = 0x6b3343cf;
  s.ticket = {1, 2, 0xff};
  s.params = {9};
  s.token = {0xab, 0xcd};
  s.h3_settings = {0x06, 0x44, 0x00};
  std::string err;
  const std::string path = d.sub("session");
  ASSERT_TRUE(save_session(path, s, err)) << err;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  SessionState back;
  ASSERT_EQ(load_session(path, back, err), SessionLoad::loaded) << err;
  EXPECT_EQ(back.server, s.server);
  EXPECT_EQ(back.ticket, s.ticket);
  EXPECT_EQ(back.cipher_suite, 0x1303);
  EXPECT_EQ(back.version, 0x6b3343cfu);
  EXPECT_EQ(back.params, s.params);
  EXPECT_EQ(back.token, s.token);
  EXPECT_EQ(back.h3_settings, s.h3_settings);
  EXPECT_EQ(encode_session(s), "tquic-session 1\nserver 127.0.0.1:4433\ncipher 1303\nversion 6b3343cf\nticket 0102ff\nparams 09\ntoken abcd\nh3settings 064400\n");
}

TEST(SessionFile, AbsentAndInvalid) {
  testing::TempDir d;
  SessionState s;
  std::string err;
  EXPECT_EQ(load_session(d.sub("none"), s, err), SessionLoad::absent);
  EXPECT_EQ(load_session(d.file("bad", "hello\n"), s, err), SessionLoad::invalid);
  EXPECT_NE(err.find("not a tquic session file"), std::string::npos);
  EXPECT_EQ(load_session(d.file("odd", "tquic-session 1\nticket 0g\n"), s, err), SessionLoad::invalid);
  EXPECT_NE(err.find("line 2"), std::string::npos) << err;
  EXPECT_FALSE(save_session(d.sub("no/such/dir/s"), s, err));
  EXPECT_NE(err.find("pass a writable --session path"), std::string::npos) << err;
}

TEST(Download, OutputNamesAreUniqueBasenames) {
  std::vector<Url> urls(5);
  urls[0].path = "/a/file.bin";
  urls[1].path = "/b/file.bin?x=1";
  urls[2].path = "/";
  urls[3].path = "/file.bin.1";
  urls[4].path = "/dir/";
  EXPECT_EQ(output_paths(urls, "out"),
            (std::vector<std::string>{"out/file.bin", "out/file.bin.1", "out/index.html", "out/file.bin.1.1",
                                      "out/index.html.1"}));
  EXPECT_EQ(output_paths(urls, ""), std::vector<std::string>(5));
}

TEST(Download, WritesHashesAndFailsOnce) {
  testing::TempDir d;
  Download ok("/x", d.sub("x"));
  const std::string abc = "abc";
  ASSERT_TRUE(ok.append(ByteSpan(reinterpret_cast<const std::uint8_t*>(abc.data()), 3)));
  ok.complete();
  EXPECT_EQ(ok.state(), DownloadState::done);
  EXPECT_EQ(ok.sha256(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::ifstream f(d.sub("x"));
  std::string content;
  f >> content;
  EXPECT_EQ(content, "abc");
  Download empty("/e", d.sub("e"));
  empty.complete();
  EXPECT_TRUE(std::filesystem::exists(d.sub("e"))) << "an empty body still makes a file";
  Download bad("/y", d.sub("missing-dir/y"));
  EXPECT_FALSE(bad.append(ByteSpan(reinterpret_cast<const std::uint8_t*>(abc.data()), 3)));
  EXPECT_EQ(bad.state(), DownloadState::failed);
  EXPECT_NE(bad.error().find("cannot create"), std::string::npos);
  bad.fail("second");
  EXPECT_NE(bad.error().find("cannot create"), std::string::npos) << "the first reason stays";
}

}  // namespace
}  // namespace tquic::apps
