"""What a running process holds, read from /proc: descriptors, memory, limits, and the TCP states of
a server's connections.

Python standard library only, like harness.py.
"""

import os


def fd_count(pid):
    """Open file descriptors of process `pid`."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def open_files_limit(pid):
    """(soft, hard) of RLIMIT_NOFILE as /proc/PID/limits shows them."""
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return int(soft), int(hard)
    raise AssertionError(f"no open files limit for pid {pid}")


TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1",
              "05": "FIN_WAIT2", "06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT",
              "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING"}


def server_side_states(server_port):
    """{client port: TCP state} of the server's own end of every loopback IPv4 connection to
    `server_port`, from /proc/net/tcp. When a server closes a connection whose client still has
    unread data in flight, its end leaves ESTABLISHED at once, while the client reads on for as long
    as the buffers hold: this is how a test sees that a slow reader was dropped."""
    states = {}
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            local, remote, state = line.split()[1:4]
            if int(local.split(":")[1], 16) == server_port and remote != "00000000:0000":
                states[int(remote.split(":")[1], 16)] = TCP_STATES.get(state, state)
    return states


def _status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} for pid {pid}")


def rss_kib(pid):
    """Resident memory of process `pid` in KiB (VmRSS)."""
    return _status_kib(pid, "VmRSS")


def peak_rss_kib(pid):
    """VmHWM of a running process: the most resident memory it has had so far, in KiB."""
    return _status_kib(pid, "VmHWM")
