"""HTTP API of the cases service."""

from services.cases.api import (
    access_log,
    cases,
    client_data,
    clients,
    commands,
    purposes,
    subject_access,
    workspace,
)
from services.cases.api.errors import install_problems

# The workspace first: `/cases/counts` must not be taken for a case id.
routers = [clients.router, client_data.router, workspace.router, cases.router, commands.router,
           access_log.router, purposes.router, subject_access.router]

__all__ = ["install_problems", "routers"]
