// A tiny HTTP/1.1 server on 127.0.0.1 for unit tests: records every request, answers per path.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace epsitter::testing {

// Owns one descriptor, closed when it goes.
class Descriptor {
 public:
  explicit Descriptor(int fd = -1) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(Descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Descriptor& operator=(Descriptor&&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::steady_clock::time_point arrived;  // when the head was complete

  std::optional<std::string> header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
    }
    return std::nullopt;
  }
  std::string path() const { return target.substr(0, target.find('?')); }
};

// What the server does with a request: send `raw` as it is and close, hang until stop(), close at
// once without a word, or stream: send `raw` (a head), then the body in chunks as `next_piece`
// hands them over.
struct Reply {
  // Called on the connection's thread with the number of pieces sent so far; may block (e.g. until
  // the client has seen the last piece). nullopt ends the body.
  using Pieces = std::function<std::optional<std::string>(std::size_t sent)>;

  enum class Kind { respond, hang, close, stream } kind = Kind::respond;
  std::string raw;
  Pieces next_piece;
  bool hang_after_pieces = false;  // stream: keep the connection open until stop(), unfinished

  // A whole response; `header_lines` are extra lines, each ending in \r\n.
  static Reply respond(int status, const std::string& body = "",
                       const std::string& header_lines = "") {
    return {Kind::respond,
            "HTTP/1.1 " + std::to_string(status) +
                " Status\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\nConnection: close\r\n" + header_lines + "\r\n" + body,
            {},
            false};
  }
  static Reply redirect(int status, const std::string& location) {
    return respond(status, "", "Location: " + location + "\r\n");
  }
  static Reply hang() { return {Kind::hang, {}, {}, false}; }
  static Reply close() { return {Kind::close, {}, {}, false}; }
  // A chunked body, each piece one chunk, sent as `next` hands them over; `then_hang` leaves it
  // unfinished, as a watch that the server keeps open.
  static Reply stream(int status, Pieces next, bool then_hang = false) {
    return {Kind::stream,
            "HTTP/1.1 " + std::to_string(status) +
                " Status\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            std::move(next), then_hang};
  }
};

class LoopbackServer {
 public:
  // Runs on the connection's own thread; may block (e.g. on a gate the test opens).
  using Handler = std::function<Reply(const RecordedRequest&)>;

  LoopbackServer() : listener_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (listener_.get() < 0 ||
        ::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_.get(), 64) != 0 ||
        ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    accepter_ = std::thread([this] { accept_loop(); });
  }
  ~LoopbackServer() { stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Answers requests for `path` (the query ignored); other paths get a 404.
  void on(const std::string& path, Handler handler) {
    const std::lock_guard<std::mutex> lock(mutex_);
    handlers_[path] = std::move(handler);
  }
  void on(const std::string& path, Reply reply) {
    on(path, [reply](const RecordedRequest&) { return reply; });
  }

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<RecordedRequest> requests() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  std::size_t count(const std::string& path) const {
    std::size_t n = 0;
    for (const auto& request : requests()) n += request.path() == path ? 1 : 0;
    return n;
  }
  std::size_t bytes_sent() const { return bytes_sent_; }  // of responses, over all connections

  // Ends hanging replies, stops accepting and joins every thread. Idempotent.
  void stop() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    stopped_.notify_all();
    if (accepter_.joinable()) accepter_.join();
    for (auto& connection : connections_) connection.join();  // none added after the accepter
    connections_.clear();
  }

 private:
  static constexpr int kPollMs = 20;  // how often blocked threads look at the stop flag

  // Waits for `events` on `fd` until stop(); false when stopping.
  bool ready(int fd, short events) const {
    for (pollfd entry{fd, events, 0}; !stopping_;) {
      if (::poll(&entry, 1, kPollMs) > 0) return true;
    }
    return false;
  }

  void accept_loop() {
    while (ready(listener_.get(), POLLIN)) {
      Descriptor connection{::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC)};
      if (connection.get() < 0) continue;
      connections_.emplace_back([this, c = std::move(connection)]() mutable { serve(c.get()); });
    }
  }

  bool read_some(int fd, std::string& into) const {
    char buffer[4096];
    const ssize_t got = ready(fd, POLLIN) ? ::recv(fd, buffer, sizeof buffer, 0) : -1;
    if (got > 0) into.append(buffer, static_cast<std::size_t>(got));
    return got > 0;
  }

  // The head, then as many body bytes as Content-Length says; false when the peer or stop() ends
  // it first.
  bool read_request(int fd, RecordedRequest& request) const {
    std::string data;
    std::size_t head_end = 0;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      if (!read_some(fd, data)) return false;
    }
    request.arrived = std::chrono::steady_clock::now();
    std::size_t line_end = data.find("\r\n");
    const std::string first = data.substr(0, line_end);
    request.method = first.substr(0, first.find(' '));
    request.target =
        first.substr(request.method.size() + 1, first.rfind(' ') - request.method.size() - 1);
    for (std::size_t start = line_end + 2; start < head_end; start = line_end + 2) {
      line_end = data.find("\r\n", start);
      const std::string line = data.substr(start, line_end - start);
      const std::size_t colon = line.find(':');
      const std::size_t value = line.find_first_not_of(' ', colon + 1);
      request.headers.emplace_back(line.substr(0, colon),
                                   value == std::string::npos ? "" : line.substr(value));
    }
    request.body = data.substr(head_end + 4);
    const std::size_t length = std::stoul(request.header("Content-Length").value_or("0"));
    while (request.body.size() < length) {
      if (!read_some(fd, request.body)) return false;
    }
    return true;
  }

  void serve(int fd) {
    RecordedRequest request;
    if (!read_request(fd, request)) return;
    Handler handler;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(request);
      const auto found = handlers_.find(request.path());
      if (found != handlers_.end()) handler = found->second;
    }
    const Reply reply = handler ? handler(request) : Reply::respond(404);
    if (reply.kind == Reply::Kind::hang) wait_for_stop();
    if (reply.kind == Reply::Kind::respond) send_all(fd, reply.raw);
    if (reply.kind == Reply::Kind::stream && send_all(fd, reply.raw)) {
      std::size_t pieces = 0;
      for (auto piece = reply.next_piece(pieces); piece; piece = reply.next_piece(++pieces)) {
        if (piece->empty()) continue;  // an empty chunk would end the body
        std::ostringstream size;
        size << std::hex << piece->size();
        if (!send_all(fd, size.str() + "\r\n" + *piece + "\r\n")) return;
      }
      if (reply.hang_after_pieces) {
        wait_for_stop();
      } else {
        send_all(fd, "0\r\n\r\n");
      }
    }
  }  // the connection's descriptor closes with its thread's lambda

  void wait_for_stop() {
    std::unique_lock<std::mutex> lock(mutex_);
    stopped_.wait(lock, [this] { return stopping_.load(); });
  }

  // False when the peer or stop() ended it first.
  bool send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size() && ready(fd, POLLOUT)) {
      // Non-blocking: a client that stops reading must not hold up stop().
      const ssize_t n =
          ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EAGAIN) continue;
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
      bytes_sent_ += static_cast<std::size_t>(n);
    }
    return sent == bytes.size();
  }

  Descriptor listener_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> bytes_sent_{0};
  mutable std::mutex mutex_;  // guards handlers_, requests_; stopping_ changes under it
  std::condition_variable stopped_;
  std::map<std::string, Handler> handlers_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::thread> connections_;  // accept thread only, then stop()
  std::thread accepter_;
};

}  // namespace epsitter::testing
