import socket

import pytest


def test_outbound_connection_is_refused() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(RuntimeError, match="must not reach the network"):
            sock.connect(("93.184.216.34", 80))
    finally:
        sock.close()
