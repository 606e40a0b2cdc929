"""Operations: readiness, Prometheus metrics, request ids and structured logs."""
