"""A stand-in for mpv in tests: installed as ``mpv`` on PATH by ``install_fake_viewer``.

It records its arguments and every IPC command (one JSON line each) to the
file named by $SPECTRA_FAKE_VIEWER_LOG, and answers mpv's JSON IPC on the
socket given with --input-ipc-server: playlist-next / playlist-prev (looping),
set_property / get_property playlist-pos. Like mpv, it sends an event line
before the reply of a command that changes the image. SIGTERM ends it.
"""
import json
import os
import socket
import sys


def main() -> None:
    args = sys.argv[1:]
    files = args[args.index("--") + 1:] if "--" in args else []
    server_path = next(arg.split("=", 1)[1] for arg in args if arg.startswith("--input-ipc-server="))
    log = open(os.environ["SPECTRA_FAKE_VIEWER_LOG"], "a", buffering=1)
    log.write(json.dumps({"argv": sys.argv, "pid": os.getpid(), "pgid": os.getpgid(0)}) + "\n")
    position = 0
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(server_path)
    server.listen(1)
    while True:
        connection, _ = server.accept()
        with connection, connection.makefile("rwb") as stream:
            for line in stream:
                request = json.loads(line)
                command = request["command"]
                log.write(json.dumps({"command": command}) + "\n")
                reply = {"request_id": request.get("request_id", 0), "error": "success"}
                moved = True
                if command[0] == "playlist-next":
                    position = (position + 1) % len(files)
                elif command[0] == "playlist-prev":
                    position = (position - 1) % len(files)
                elif command[:2] == ["set_property", "playlist-pos"]:
                    position = command[2]
                elif command[:2] == ["get_property", "playlist-pos"]:
                    reply["data"], moved = position, False
                else:
                    reply["error"], moved = "invalid parameter", False
                if moved:
                    stream.write(json.dumps({"event": "start-file", "playlist_entry_id": position + 1}).encode() + b"\n")
                stream.write(json.dumps(reply).encode() + b"\n")
                stream.flush()


if __name__ == "__main__":
    main()
