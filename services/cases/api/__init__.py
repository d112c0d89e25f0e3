"""HTTP API of the cases service."""

from services.cases.api import access_log, cases, clients, commands
from services.cases.api.errors import install_rule_problems

routers = [clients.router, cases.router, commands.router, access_log.router]

__all__ = ["install_rule_problems", "routers"]
