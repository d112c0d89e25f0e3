"""Goal Attainment Scaling (Kiresuk & Sherman 1968): the T-score as the cases service
computes it for a case, the oracle for the SQL's (`case_sql`, with rho as a parameter)."""

from services.cases.domain.gas import t_score

__all__ = ["t_score"]
