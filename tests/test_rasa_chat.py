"""`turnflow chat PROJECT_DIR` with a Rasa project, driven through a pipe as tests/test_chat.py
drives the goflow chat."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

TRANSFER = REPO / "examples" / "rasa" / "transfer"


def chat(*lines: str, project: Path = TRANSFER, options: tuple[str, ...] = ()
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "turnflow.cli", "chat", str(project), *options],
        input="".join(f"{line}\n" for line in lines), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def after(run: subprocess.CompletedProcess[str], typed: str, nth: int = 0) -> list[str]:
    """The lines printed after the nth time ``typed`` was typed (-1: the last), up to the
    next line typed."""
    lines = run.stdout.splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line == f"you: {typed}"]
    start = starts[nth]
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("you: ")), len(lines))
    return lines[start:end]


def test_a_conversation_with_buttons_picked_by_number():
    run = chat("/send_money", "/SetSlots(payee=Mia)", "/SetSlots(sum=40)", "2", "1")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert after(run, "/send_money") == ["bot: Who should receive the money?"]
    assert after(run, "/SetSlots(sum=40)") == [
        "bot: You have 250 available.",
        "bot: Standard or instant transfer?",
        "  [1] Standard (free) (/SetSlots(speed=standard))",
        "  [2] Instant (/SetSlots(speed=instant))",
    ]
    assert after(run, "2") == [
        "  -> Instant (/SetSlots(speed=instant))",
        "bot: Send 40.0 to Mia right now?",
        "  [1] Send it (/SetSlots(go_ahead=true))",
        "  [2] Stop (/SetSlots(go_ahead=false))",
    ]
    assert after(run, "1") == [
        "  -> Send it (/SetSlots(go_ahead=true))",
        "bot: Done: Mia has 40.0 already.",
        "bot: How did that go, from 1 to 5?",
        "bot: Thanks for telling us.",
        "bot: Is there anything else I can help you with?",
        "(left the conversation)",
    ]


def test_a_number_without_such_a_button_is_sent_as_typed():
    run = chat("/send_money", "/SetSlots(payee=Mia)", "/SetSlots(sum=40)", "3", "/slots")
    assert run.returncode == 0, run.stderr
    # two buttons listed: "3" goes to the bot as words, which set no slot
    assert not any(line.startswith("  ->") for line in after(run, "3"))
    assert not any(line.startswith("  speed = ") for line in after(run, "/slots"))


def test_stack_shows_each_frame_top_last():
    run = chat("/send_money", "/SetSlots(payee=Mia)", "/stack")
    assert after(run, "/stack") == [
        "  1. send_money (regular) at ask_sum",
        "  2. pattern_collect_information (pattern, collecting sum)"
        " at pattern_collect_information_4_action_listen",
        "(left the conversation)",
    ]


def test_slots_shows_the_slots_that_have_a_value():
    run = chat("/slots", "/send_money", "/SetSlots(payee=Mia)", "/SetSlots(sum=40)", "/slots")
    assert after(run, "/slots") == ["  funds = 250", "  sent = False"]
    assert after(run, "/slots", -1) == [
        "  payee = 'Mia'", "  sum = 40.0", "  funds = 250", "  sent = False",
        "(left the conversation)",
    ]


def test_flows_lists_the_user_flows_with_what_starts_them():
    run = chat("/flows")
    assert after(run, "/flows") == [
        "  show_funds: Tell how much money is available (called by other flows). [if: False]",
        "  see_balance: Show the money available. [/see_balance]",
        "  rate_us: Ask for a rating of the service. [/give_feedback]",
        "  send_money: Send an amount of money to someone. [/send_money]",
        "(left the conversation)",
    ]


def test_restart_starts_a_new_conversation():
    run = chat("/send_money", "/SetSlots(payee=Mia)", "/restart", "/stack", "/SetSlots(sum=40)",
               "/see_balance")
    assert after(run, "/restart") == ["(new conversation)"]
    assert after(run, "/stack") == ["  (the stack is empty)"]
    assert after(run, "/SetSlots(sum=40)") == []  # no flow collects it any more
    assert after(run, "/see_balance") == [
        "bot: You have 250 available.",
        "bot: Is there anything else I can help you with?",
        "(left the conversation)",
    ]


def test_quit_and_the_end_of_input_end_the_chat():
    run = chat("/quit", "/send_money")
    assert run.returncode == 0
    assert "Who should receive" not in run.stdout
    assert run.stdout.splitlines()[-2:] == ["you: /quit", "(left the conversation)"]


def test_events_show_flows_and_slots():
    run = chat("/send_money", "/SetSlots(payee=Mia)", "/events", "/SetSlots(sum=40)",
               options=("--events",))
    assert after(run, "/send_money") == [
        "  [flow started] send_money",
        "  [flow started] pattern_collect_information",
        "bot: Who should receive the money?",
    ]
    assert after(run, "/SetSlots(payee=Mia)") == [
        "  [slot] payee = 'Mia'",
        "  [flow completed] pattern_collect_information",
        "  [flow started] pattern_collect_information",
        "bot: How much do you want to send?",
    ]
    assert after(run, "/events") == ["(events off)"]
    assert "[slot] sum" not in run.stdout


def test_the_projects_own_intent_named_like_a_command(tmp_path: Path):
    project = tmp_path / "transfer"
    shutil.copytree(TRANSFER, project)
    helpers = project / "data" / "helpers.yml"
    helpers.write_text(helpers.read_text().replace("intent: give_feedback", "intent: stack"))
    domain = project / "domain.yml"
    domain.write_text(domain.read_text().replace("  - give_feedback", "  - stack"))
    run = chat("//stack", "/stack", project=project)
    assert run.returncode == 0, run.stderr
    assert "(the project's intent /stack is sent as //stack)" in run.stdout
    assert after(run, "//stack") == [
        "bot: How did that go, from 1 to 5?",
        "bot: Thanks for telling us.",
        "bot: Is there anything else I can help you with?",
    ]
    assert after(run, "/stack")[0].startswith("  1. pattern_completed (pattern)")


def test_a_broken_project_is_refused_on_one_line(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "config.yml").write_text("recipe: default.v1\n")
    (tmp_path / "domain.yml").write_text('version: "3.1"\n')
    (tmp_path / "data" / "flows.yml").write_text(
        "flows:\n  greet:\n    description: Say hi.\n    steps:\n      - collect: name\n"
    )
    run = chat("/greet", project=tmp_path)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith(f"error: {tmp_path}: the project has 1 error: ")
    assert f"{tmp_path / 'data' / 'flows.yml'}:5: " in run.stderr
    assert "slot 'name' is not in the domain" in run.stderr


def test_a_project_file_that_is_not_yaml(tmp_path: Path):
    project = tmp_path / "transfer"
    shutil.copytree(TRANSFER, project)
    (project / "data" / "broken.yml").write_text("flows:\n  x: [\n")
    run = chat(project=project)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "broken.yml:3: invalid YAML" in run.stderr


def test_goflow_options_are_refused_for_a_rasa_project():
    run = chat(options=("--keyword", "join"))
    assert run.returncode == 2
    assert run.stderr == "error: --keyword: for goflow flows, not Rasa projects\n"
