# Drives a command under a pseudo-terminal: waits for each prompt (a regular expression, searched
# after the previous one), types the answer and Enter, then reads to the end.
# Prints {"status", "output", "stuckAt"} as JSON.
# Usage: python3 pty-session.py '<argv JSON>' '<[[prompt, answer], ...] JSON>'
import json, os, pty, re, select, sys, time

argv = json.loads(sys.argv[1])
script = json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

output = b''

def read(timeout):
    """Reads what is there; False when nothing came in time, None at the end of the output."""
    global output
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return False
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return None
    if not chunk:
        return None
    output += chunk
    return True

def finish(stuck_at):
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status), "output": output.decode(errors='replace'), "stuckAt": stuck_at}))
    sys.exit(0)

cursor = 0
for prompt, answer in script:
    pattern = re.compile(prompt.encode())
    deadline = time.time() + 60
    while True:
        match = pattern.search(output, cursor)
        if match:
            cursor = match.end()
            break
        if time.time() > deadline or read(1) is None:
            os.kill(pid, 15)
            finish(prompt)
    os.write(fd, (answer + '\r').encode())

deadline = time.time() + 180
while time.time() < deadline and read(1) is not None:
    pass
finish(None)
