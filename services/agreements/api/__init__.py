"""HTTP routes of the agreements service: parse, authorise, call the application."""

from services.agreements.api.access_log import router as access_log_router
from services.agreements.api.agreements import router as agreements_router
from services.agreements.api.errors import install_problems
from services.agreements.api.providers import router as providers_router
from services.agreements.api.report_overview import router as report_overview_router
from services.agreements.api.reports import router as reports_router

routers = [providers_router, agreements_router, reports_router, report_overview_router,
           access_log_router]

__all__ = ["install_problems", "routers"]
