"""The agent server: elizaOS REST API, Socket.IO realtime protocol, server-sent events and the web chat page."""

from .agent_server import AgentServer
from .app import create_app, create_http_app
from .config import ServerConfig
from .runner import RunningServer, bind_socket

__all__ = ["AgentServer", "RunningServer", "ServerConfig", "bind_socket", "create_app", "create_http_app"]
