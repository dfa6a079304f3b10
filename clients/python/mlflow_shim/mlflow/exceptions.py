"""MLflow's exception type, with its error codes as strings (mlflow/exceptions.py, databricks_pb2)."""

INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"
RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST"
INTERNAL_ERROR = "INTERNAL_ERROR"


class MlflowException(Exception):
    """What MLflow raises for misuse: a changed param, a bad name, an unknown run."""

    def __init__(self, message, error_code=INTERNAL_ERROR, **_kwargs):
        super().__init__(message)
        self.message = str(message)
        self.error_code = error_code

    def __str__(self):
        return self.message


class RestException(MlflowException):
    """MLflow's error for a failed tracking-server call; there is no server here, kept for `except` clauses."""
