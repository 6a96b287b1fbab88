//! Lints every state machine in the topology: transitions point at real states, every worker
//! task is declared and sent to its family's queue, every `ErrorEquals` name is known, every
//! callback Task can neither hang nor go silent (`TimeoutSeconds` and `HeartbeatSeconds`), the
//! machine itself has a `TimeoutSeconds`, and no path can skip its recording: a Task without a
//! `Catch` must be the last Task on every path from it (the state that records the outcome).

use cfm_domain::ErrorName;
use cfm_topology::{DEFINITIONS, Topology};
use serde_json::Value;

const CALLBACK: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";

/// The states a state can move to next.
fn successors(state: &Value) -> Vec<&str> {
    let mut targets: Vec<&str> = ["Next", "Default"].iter().filter_map(|k| state[*k].as_str()).collect();
    for list in ["Catch", "Choices"] {
        targets.extend(state[list].as_array().into_iter().flatten().filter_map(|c| c["Next"].as_str()));
    }
    targets
}

/// A Task that can fail without a `Catch` ends the execution there, so no Task may come after
/// it: otherwise a failure skips the state that records the resource's outcome and leaves it busy.
fn lint_uncaught(workflow: &str, states: &serde_json::Map<String, Value>, problems: &mut Vec<String>) {
    for (name, state) in states {
        if state["Type"] != "Task" || state["Catch"].as_array().is_some_and(|c| !c.is_empty()) {
            continue;
        }
        let mut seen = std::collections::BTreeSet::new();
        let mut todo = successors(state);
        while let Some(next) = todo.pop() {
            if !seen.insert(next) {
                continue;
            }
            let Some(after) = states.get(next) else { continue };
            if after["Type"] == "Task" {
                problems.push(format!(
                    "{workflow}/{name}: has no Catch but Task '{next}' follows it; a failure would skip the recording"
                ));
                break;
            }
            todo.extend(successors(after));
        }
    }
}

fn lint(workflow: &str, asl: &Value, topology: &Topology, problems: &mut Vec<String>) {
    let states = asl["States"].as_object().expect("States object");
    lint_uncaught(workflow, states, problems);
    let start = asl["StartAt"].as_str().unwrap_or_default();
    if !states.contains_key(start) {
        problems.push(format!("{workflow}: StartAt '{start}' is not a state"));
    }
    for (name, state) in states {
        let at = format!("{workflow}/{name}");
        for target in successors(state) {
            if !states.contains_key(target) {
                problems.push(format!("{at}: transition to missing state '{target}'"));
            }
        }
        let terminal = matches!(state["Type"].as_str(), Some("Succeed" | "Fail"));
        if !terminal && state["End"] != Value::Bool(true) && state["Next"].is_null() && state["Type"] != "Choice" {
            problems.push(format!("{at}: neither Next nor End"));
        }
        for list in ["Retry", "Catch"] {
            for rule in state[list].as_array().into_iter().flatten() {
                for error in rule["ErrorEquals"].as_array().into_iter().flatten() {
                    let error = error.as_str().unwrap_or_default();
                    if !error.starts_with("States.") && ErrorName::parse(error).is_none() {
                        problems.push(format!("{at}: unknown error name '{error}' in {list}"));
                    }
                }
            }
        }
        for nested in ["Iterator", "ItemProcessor"] {
            if state[nested].is_object() {
                lint(&at, &state[nested], topology, problems);
            }
        }
        for branch in state["Branches"].as_array().into_iter().flatten() {
            lint(&at, branch, topology, problems);
        }
        if state["Resource"] == CALLBACK {
            lint_callback(&at, state, topology, problems);
        }
    }
}

fn lint_callback(at: &str, state: &Value, topology: &Topology, problems: &mut Vec<String>) {
    let timeout = state["TimeoutSeconds"].as_u64();
    let heartbeat = state["HeartbeatSeconds"].as_u64();
    match (timeout, heartbeat) {
        (Some(t), Some(h)) if h < t => {}
        _ => problems.push(format!("{at}: a callback Task needs TimeoutSeconds and a smaller HeartbeatSeconds")),
    }
    let params = &state["Parameters"];
    let body = &params["MessageBody"];
    if body["TaskToken.$"] != "$$.Task.Token" || body["execution.$"] != "$$.Execution.Id" {
        problems.push(format!("{at}: MessageBody must carry TaskToken.$ and execution.$"));
    }
    let task = body["task"].as_str().unwrap_or_default();
    match topology.queue_for(task) {
        None => problems.push(format!("{at}: task '{task}' is not declared in topology.json")),
        Some(queue) => {
            let expected = format!("${{{}}}", queue.placeholder());
            if params["QueueUrl"] != Value::String(expected.clone()) {
                problems.push(format!("{at}: task '{task}' must go to {expected}"));
            }
        }
    }
}

#[test]
fn every_state_machine_passes_the_lint() {
    let topology = Topology::load();
    let mut problems = Vec::new();
    for (workflow, text) in DEFINITIONS {
        let asl: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{workflow}: {e}"));
        if asl["TimeoutSeconds"].as_u64().is_none_or(|t| t == 0) {
            problems.push(format!("{workflow}: needs a top-level TimeoutSeconds"));
        }
        lint(workflow, &asl, &topology, &mut problems);
    }
    assert!(problems.is_empty(), "ASL problems:\n{}", problems.join("\n"));
}

#[test]
fn every_placeholder_is_declared() {
    let known = Topology::load().placeholder_names();
    for (workflow, text) in DEFINITIONS {
        for part in text.split("${").skip(1) {
            let name = part.split('}').next().unwrap_or_default();
            assert!(known.iter().any(|k| k == name), "{workflow}: unknown placeholder ${{{name}}}");
        }
    }
}

#[test]
fn every_declared_task_is_used_by_some_workflow() {
    let topology = Topology::load();
    let all: String = DEFINITIONS.iter().map(|(_, text)| *text).collect();
    for task in topology.tasks() {
        assert!(all.contains(&format!("\"task\": \"{task}\"")), "task {task} is declared but unused");
    }
}

#[test]
fn the_lint_catches_broken_definitions() {
    let topology = Topology::load();
    let task = |name: &str, next: &str| {
        serde_json::json!({
            "Type": "Task",
            "Resource": CALLBACK,
            "Parameters": {"QueueUrl": "${OriginsQueueUrl}", "MessageBody": {"TaskToken.$": "$$.Task.Token", "task": name, "execution.$": "$$.Execution.Id"}},
            "Retry": [{"ErrorEquals": ["cfm.Made.Up"]}],
            "Next": next
        })
    };
    let broken = serde_json::json!({
        "StartAt": "A",
        "States": {
            "A": task("Nope", "Missing"),
            "Compensate": task("CompensateOrigin", "Wait"),
            "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Record"},
            "Record": task("RecordOriginCreateFailed", "Done"),
            "Done": {"Type": "Fail"}
        }
    });
    let mut problems = Vec::new();
    lint("broken", &broken, &topology, &mut problems);
    let text = problems.join("\n");
    for expected in [
        "missing state 'Missing'",
        "unknown error name 'cfm.Made.Up'",
        "TimeoutSeconds",
        "task 'Nope' is not declared",
        "broken/Compensate: has no Catch but Task 'Record' follows it",
    ] {
        assert!(text.contains(expected), "lint missed: {expected}\n{text}");
    }
}
