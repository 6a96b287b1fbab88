"""Step Functions task tokens, as AWS answers them.

- ``SendTaskFailure`` keeps its ``cause`` (moto drops it, so a ``Catch`` sees ``Cause: null``).
- A token whose task has ended (answered, timed out) answers ``TaskTimedOut`` to
  ``SendTaskHeartbeat``, ``SendTaskSuccess`` and ``SendTaskFailure``, as AWS does ("the task
  associated with the token has already been closed"). moto keeps accepting such tokens while
  the execution runs, so a late redelivery could not tell that its task moved on.
- Each attempt of a retried task gets a new token, as on AWS (moto reuses the first one).
- A heartbeat for a live token is accepted from the moment its message is sent. moto sets up
  its heartbeat wait only after sending, and answers ``InvalidToken`` in between, so a worker
  fast enough to heartbeat first took a just-sent task for one that had ended and dropped it
  (the task then timed out a minute later).
"""

from moto.core.exceptions import AWSError
from moto.core.responses import EmptyResult
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import (
    StateTaskServiceCallback,
)
from moto.stepfunctions.parser.asl.eval.callback import callback as cb
from moto.stepfunctions.responses import StepFunctionResponse


class TaskTimedOut(AWSError):
    TYPE = "TaskTimedOut"
    STATUS = 400

    def __init__(self):
        super().__init__("Task Timed Out: the task associated with the token has already been closed")


def _send_task_failure(self):
    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"),
        error=self._get_param("error"),
        cause=self._get_param("cause"),
    )
    return EmptyResult()


def _close_on_interrupt(original):
    def interrupt_all(self):
        # Called once the task's outcome is collected (success, failure or timeout).
        self.cfm_closed = True
        original(self)

    return interrupt_all


def _refuse_closed(original):
    def method(self, callback_id, *args, **kwargs):
        endpoint = self._pool.get(callback_id)
        if endpoint is not None and getattr(endpoint, "cfm_closed", False):
            raise TaskTimedOut()
        return original(self, callback_id, *args, **kwargs)

    return method


def _early_heartbeat(original):
    def notify_heartbeat(self):
        if self._heartbeat_endpoint is None:
            return True  # the wait has not started yet: nothing to extend, the token is live
        return original(self)

    return notify_heartbeat


def _new_token_per_attempt(original):
    def eval_execution(self, env):
        task = env.states.context_object.context_object_data.get("Task") or {}
        endpoint = env.callback_pool_manager.get(task.get("Token"))
        if endpoint is not None and getattr(endpoint, "cfm_closed", False):
            token = env.states.context_object.update_task_token()
            env.callback_pool_manager.add(token)
        return original(self, env)

    return eval_execution


def apply() -> None:
    StepFunctionResponse.send_task_failure = _send_task_failure
    cb.CallbackEndpoint.interrupt_all = _close_on_interrupt(cb.CallbackEndpoint.interrupt_all)
    cb.CallbackEndpoint.notify_heartbeat = _early_heartbeat(cb.CallbackEndpoint.notify_heartbeat)
    cb.CallbackPoolManager.heartbeat = _refuse_closed(cb.CallbackPoolManager.heartbeat)
    cb.CallbackPoolManager.notify = _refuse_closed(cb.CallbackPoolManager.notify)
    StateTaskServiceCallback._eval_execution = _new_token_per_attempt(StateTaskServiceCallback._eval_execution)
