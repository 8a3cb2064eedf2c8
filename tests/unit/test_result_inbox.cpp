// The inbox between the target actors and the metrics actor: what it hands over, and when it asks
// for a take.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "actors/result_inbox.hpp"

using namespace epsitter;

namespace {

ProbeDone done_with(int status) {
  ProbeDone done;
  done.target = std::make_shared<Target>();
  done.result.status_code = status;
  return done;
}

}  // namespace

TEST_CASE("results are taken all at once, in the order posted") {
  ResultInbox inbox;
  CHECK(inbox.take().empty());
  CHECK_FALSE(inbox.post(done_with(200)));
  CHECK_FALSE(inbox.post(done_with(500)));
  CHECK(inbox.size() == 2);
  const auto taken = inbox.take();
  REQUIRE(taken.size() == 2);
  CHECK(taken[0].result.status_code == 200);
  CHECK(taken[1].result.status_code == 500);
  CHECK(inbox.size() == 0);
  CHECK(inbox.take().empty());
}

TEST_CASE("the result that completes a batch, and only that one, asks for a take") {
  ResultInbox inbox;
  for (std::size_t i = 1; i < ResultInbox::kBatch; ++i) CHECK_FALSE(inbox.post(done_with(200)));
  CHECK(inbox.post(done_with(200)));
  // More arrive before the take: the one request already sent covers them.
  CHECK_FALSE(inbox.post(done_with(200)));
  CHECK(inbox.take().size() == ResultInbox::kBatch + 1);
  // A new batch after the take asks again.
  for (std::size_t i = 1; i < ResultInbox::kBatch; ++i) CHECK_FALSE(inbox.post(done_with(200)));
  CHECK(inbox.post(done_with(200)));
}
