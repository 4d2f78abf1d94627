"""RUN instructions split into simple commands: words, lines, columns, wrappers, variables, cwd."""

from __future__ import annotations

import pytest

from tfimage_lint.facts import compute_facts
from tfimage_lint.model.build import build_model
from tfimage_lint.shell import Command, run_commands
from tfimage_lint.syntax.nodes import Instruction
from tfimage_lint.syntax.parser import parse_dockerfile

HEAD = "FROM python:3.11-slim\n"


def analyse(text: str, build_args: dict[str, str] | None = None, stage: int = -1) -> list[Command]:
    """Every command of one stage's RUNs, through the real parser, model and facts."""
    dockerfile = build_model(parse_dockerfile(text.encode("utf-8")), "Dockerfile", build_args)
    facts = compute_facts(dockerfile)
    return list(facts.installs(dockerfile.stages[stage]).commands)


def commands(text: str, build_args: dict[str, str] | None = None) -> list[tuple[int, list[str]]]:
    """``[(line, words), ...]`` of the last stage."""
    return [(command.line, command.texts()) for command in analyse(text, build_args)]


def located(text: str) -> list[tuple[int, int, list[str]]]:
    """``[(line, column, words), ...]`` of the last stage."""
    return [(command.line, command.column, command.texts()) for command in analyse(text)]


def last_run(text: str) -> Instruction:
    """The last RUN instruction of ``text`` (for calling ``run_commands`` directly)."""
    parsed = parse_dockerfile(text.encode("utf-8"))
    return [ins for ins in parsed.instructions if ins.keyword == "run"][-1]


# -- operators and compound commands ------------------------------------------------------------


def test_and_or_semicolon_and_pipes_split_commands():
    text = HEAD + "RUN apt-get update && apt-get install -y curl || echo fail; ls | grep x\n"
    assert located(text) == [
        (2, 5, ["apt-get", "update"]),
        (2, 23, ["apt-get", "install", "-y", "curl"]),
        (2, 50, ["echo", "fail"]),
        (2, 61, ["ls"]),
        (2, 66, ["grep", "x"]),
    ]


def test_subshell_and_brace_group_bodies():
    text = HEAD + "RUN (cd /tmp && make) && { echo a; echo b; }\n"
    found = analyse(text)
    assert [(c.line, c.column, c.texts()) for c in found] == [
        (2, 6, ["cd", "/tmp"]),
        (2, 17, ["make"]),
        (2, 28, ["echo", "a"]),
        (2, 36, ["echo", "b"]),
    ]
    assert found[1].cwd == "/tmp"  # inside the subshell, after its cd


def test_subshell_cd_does_not_leak():
    found = analyse(HEAD + "RUN (cd /sub && pwd) ; pwd\n")
    assert [(c.texts(), c.cwd) for c in found] == [(["cd", "/sub"], "/"), (["pwd"], "/sub"), (["pwd"], "/")]


def test_subshell_export_does_not_leak():
    found = analyse(HEAD + "RUN (export Z=1) ; echo $Z\n")
    assert found[-1].texts() == ["echo", "$Z"]
    assert found[-1].words[1].known is False


def test_brace_group_cd_does_change_later_commands():
    found = analyse(HEAD + "RUN { cd /brace; }; pwd\n")
    assert [(c.texts(), c.cwd) for c in found] == [(["cd", "/brace"], "/"), (["pwd"], "/brace")]


def test_if_bodies():
    text = HEAD + "RUN if [ -f x ]; then pip install a; else pip install b; fi\n"
    pips = [(c.line, c.column, c.texts()) for c in analyse(text) if c.name == "pip"]
    assert pips == [(2, 23, ["pip", "install", "a"]), (2, 43, ["pip", "install", "b"])]


def test_for_and_while_bodies():
    text = HEAD + "RUN for p in a b; do pip install $p; done; while true; do sleep 1; done\n"
    found = analyse(text)
    assert [(c.column, c.texts()) for c in found] == [
        (22, ["pip", "install", "$p"]),
        (50, ["true"]),
        (59, ["sleep", "1"]),
    ]
    assert found[0].words[2].known is False  # the loop variable has no value the linter can know


def test_command_substitution_is_nested_and_its_word_unknown():
    text = HEAD + "RUN echo $(pip freeze | grep tf) `uname -r`\n"
    found = analyse(text)
    assert [(c.column, c.texts(), c.nested) for c in found] == [
        (5, ["echo", "$(pip freeze | grep tf)", "`uname -r`"], False),
        (12, ["pip", "freeze"], True),
        (25, ["grep", "tf"], True),
        (35, ["uname", "-r"], True),
    ]
    outer = found[0]
    assert [word.known for word in outer.words] == [True, False, False]
    assert outer.words[1].raw == "$(pip freeze | grep tf)"
    assert outer.words[1].column == 10


def test_cd_into_a_command_substitution_makes_cwd_unknown():
    found = analyse(HEAD + "WORKDIR /app\nRUN cd $(mktemp -d) && pwd\n")
    assert [(c.texts()[0], c.nested) for c in found] == [("cd", False), ("mktemp", True), ("pwd", False)]
    assert (found[0].cwd, found[2].cwd) == ("/app", None)


def test_substitution_in_a_cd_argument_runs_in_the_old_cwd():
    found = analyse(HEAD + "WORKDIR /app\nRUN cd $(mktemp -d)\n")
    assert [(c.texts()[0], c.cwd) for c in found] == [("cd", "/app"), ("mktemp", "/app")]


# -- assignments ----------------------------------------------------------------------------------


def test_prefix_assignment_applies_to_its_command_only():
    found = analyse(HEAD + "RUN PIP_NO_CACHE_DIR=1 pip install x && echo $PIP_NO_CACHE_DIR\n")
    assert found[0].texts() == ["pip", "install", "x"]
    assert found[0].assignments == (("PIP_NO_CACHE_DIR", "1"),)
    assert found[1].texts() == ["echo", "$PIP_NO_CACHE_DIR"]
    assert found[1].words[1].known is False


def test_standalone_assignment_changes_later_commands():
    found = analyse(HEAD + "RUN P=pip3 && $P install x\n")
    assert found[0].words == ()
    assert found[0].assignments == (("P", "pip3"),)
    assert found[1].texts() == ["pip3", "install", "x"]
    assert all(word.known for word in found[1].words)
    assert found[1].words[0].raw == "$P"


def test_export_changes_later_commands():
    found = analyse(HEAD + "RUN export Q=pip && $Q install y\n")
    assert found[0].texts() == ["export"]
    assert found[0].assignments == (("Q", "pip"),)
    assert found[1].texts() == ["pip", "install", "y"]


def test_assignment_using_an_env_value():
    found = analyse(HEAD + "ENV BASE=/opt\nRUN D=$BASE/app && cd $D && pwd\n")
    assert found[0].assignments == (("D", "/opt/app"),)
    assert found[-1].cwd == "/opt/app"


def test_assignment_from_command_substitution_is_unknown():
    found = analyse(HEAD + "RUN V=$(cat ver) && pip install tensorflow==$V\n")
    assert found[0].assignments == (("V", None),)
    assert found[-1].texts() == ["pip", "install", "tensorflow==$V"]
    assert found[-1].words[-1].known is False


def test_shell_assignment_does_not_reach_the_next_run():
    found = analyse(HEAD + "RUN P=pip3\nRUN $P install x\n")
    assert found[-1].texts() == ["$P", "install", "x"]
    assert found[-1].words[0].known is False


# -- wrappers -------------------------------------------------------------------------------------

WRAPPERS = {
    "sudo": ("sudo pip install a", ("sudo",)),
    "sudo -E -u user": ("sudo -E -u user pip install a", ("sudo", "-E", "-u", "user")),
    "env A=1": ("env A=1 pip install a", ("env", "A=1")),
    "nohup": ("nohup pip install a", ("nohup",)),
    "timeout 10": ("timeout 10 pip install a", ("timeout", "10")),
    "timeout -s KILL 10": ("timeout -s KILL 10 pip install a", ("timeout", "-s", "KILL", "10")),
    "conda run -n base": ("conda run -n base pip install a", ("conda", "run", "-n", "base")),
    "micromamba run -n base": ("micromamba run -n base pip install a", ("micromamba", "run", "-n", "base")),
    "exec": ("exec pip install a", ("exec",)),
    "sudo then env": ("sudo -H env PIP_X=1 pip install a", ("sudo", "-H", "env", "PIP_X=1")),
}


@pytest.mark.parametrize(("run", "wrappers"), WRAPPERS.values(), ids=WRAPPERS.keys())
def test_wrappers_are_removed_and_recorded(run, wrappers):
    [command] = analyse(HEAD + f"RUN {run}\n")
    assert command.texts() == ["pip", "install", "a"]
    assert command.name == "pip"
    assert command.wrappers == wrappers
    assert (command.line, command.column) == (2, 5)


def test_xargs_wrapper_in_a_pipe():
    found = analyse(HEAD + "RUN cat reqs | xargs -n1 pip install\n")
    assert [(c.column, c.texts(), c.wrappers) for c in found] == [
        (5, ["cat", "reqs"], ()),
        (16, ["pip", "install"], ("xargs", "-n1")),
    ]


def test_command_v_is_not_a_wrapper():
    [command] = analyse(HEAD + "RUN command -v pip\n")
    assert command.texts() == ["command", "-v", "pip"]
    assert command.wrappers == ()


def test_name_is_the_basename():
    [command] = analyse(HEAD + "RUN /usr/local/bin/pip3 install a\n")
    assert command.name == "pip3"
    assert [word.text for word in command.args] == ["install", "a"]


# -- quoting --------------------------------------------------------------------------------------


def test_quotes_and_escapes_are_removed():
    [command] = analyse(HEAD + "RUN echo 'a b' \"c d\" e\\ f 'it''s' \"x\\\"y\"\n")
    assert command.texts() == ["echo", "a b", "c d", "e f", "its", 'x"y']
    assert [word.raw for word in command.words] == ["echo", "'a b'", '"c d"', "e\\ f", "'it''s'", '"x\\"y"']
    assert [word.column for word in command.words] == [5, 10, 16, 22, 27, 35]


def test_single_quotes_keep_dollar_signs_and_double_quotes_expand():
    [command] = analyse(HEAD + "ENV V=val\nRUN echo '$V' \"$V\" $V\n")
    assert command.texts() == ["echo", "$V", "val", "val"]
    assert all(word.known for word in command.words)


def test_quoted_variable_is_not_split():
    [command] = analyse(HEAD + 'ENV PI="pip install"\nRUN "$PI" z\n')
    assert command.texts() == ["pip install", "z"]


# -- lines and columns --------------------------------------------------------------------------


def test_each_command_keeps_its_physical_line_and_column():
    text = HEAD + (
        "RUN apt-get update \\\n"
        " && apt-get install -y \\\n"
        "      curl \\\n"
        " && pip install \\\n"
        "      tensorflow==2.15.0\n"
    )
    found = analyse(text)
    assert [(c.line, c.column, c.texts()) for c in found] == [
        (2, 5, ["apt-get", "update"]),
        (3, 5, ["apt-get", "install", "-y", "curl"]),
        (5, 5, ["pip", "install", "tensorflow==2.15.0"]),
    ]
    assert (found[1].words[-1].line, found[1].words[-1].column) == (4, 7)
    assert (found[2].words[-1].line, found[2].words[-1].column) == (6, 7)


def test_comment_lines_inside_a_continued_run():
    text = HEAD + (
        "RUN pip install a \\\n"
        "# a comment line ending in a backslash \\\n"
        "    b \\\n"
        "    # an indented comment\n"
        "    && pip install c\n"
    )
    found = analyse(text)
    assert [(c.line, c.column, c.texts()) for c in found] == [
        (2, 5, ["pip", "install", "a", "b"]),
        (6, 8, ["pip", "install", "c"]),
    ]
    assert (found[0].words[3].line, found[0].words[3].column) == (4, 5)


def test_tab_indented_continuation():
    text = HEAD + "RUN\tpip install tabbed && \\\n\tpip install t2\n"
    assert located(text) == [(2, 5, ["pip", "install", "tabbed"]), (3, 2, ["pip", "install", "t2"])]


def test_non_ascii_text_before_a_command_counts_characters():
    text = HEAD + 'RUN echo "héllo wörld" && pip install x\n'
    assert located(text) == [(2, 5, ["echo", "héllo wörld"]), (2, 27, ["pip", "install", "x"])]


def test_run_flags_are_not_words():
    text = HEAD + "RUN --mount=type=cache,target=/root/.cache pip install m\n"
    assert located(text) == [(2, 44, ["pip", "install", "m"])]


# -- heredocs -------------------------------------------------------------------------------------


def test_heredoc_script():
    text = HEAD + "RUN <<EOF\napt-get update\npip install a \\\n    b\nEOF\n"
    found = analyse(text)
    assert [(c.line, c.column, c.texts()) for c in found] == [
        (3, 1, ["apt-get", "update"]),
        (4, 1, ["pip", "install", "a", "b"]),
    ]
    assert (found[1].words[3].line, found[1].words[3].column) == (5, 5)


def test_heredoc_fed_to_bash():
    text = HEAD + "RUN <<EOF bash -e\ncd /opt\npip install c\nEOF\n"
    found = analyse(text)
    assert [(c.line, c.column, c.texts(), c.cwd) for c in found] == [
        (2, 11, ["bash", "-e"], "/"),
        (3, 1, ["cd", "/opt"], "/"),
        (4, 1, ["pip", "install", "c"], "/opt"),
    ]


def test_heredoc_fed_to_python_is_not_shell():
    text = HEAD + 'RUN python3 <<EOF\nimport os\nos.system("pip install no")\nEOF\n'
    assert commands(text) == [(2, ["python3"])]


def test_heredoc_with_python_shebang_is_not_shell():
    text = HEAD + "RUN <<EOF\n#!/usr/bin/env python3\nimport subprocess\nEOF\n"
    assert commands(text) == []


def test_heredoc_with_bash_shebang_is_shell():
    text = HEAD + "RUN <<EOF\n#!/bin/bash\npip install shebang\nEOF\n"
    assert located(text) == [(4, 1, ["pip", "install", "shebang"])]


def test_heredoc_dash_strips_tabs_and_keeps_physical_columns():
    text = HEAD + "RUN <<-EOF\n\tpip install tabbed\n\t\tpip install two\n\tEOF\n"
    assert located(text) == [(3, 2, ["pip", "install", "tabbed"]), (4, 3, ["pip", "install", "two"])]


def test_heredoc_into_a_file_is_not_shell():
    text = HEAD + "RUN cat <<EOF > /etc/pip.conf\n[global]\npip install no\nEOF\n"
    assert commands(text) == [(2, ["cat"])]


def test_heredoc_expands_env_values():
    text = HEAD + "ENV V=1.0\nRUN <<EOF\npip install x==$V\nEOF\n"
    assert commands(text) == [(4, ["pip", "install", "x==1.0"])]


# -- exec form and sh -c --------------------------------------------------------------------------


def test_exec_form_is_taken_word_for_word():
    text = HEAD + 'ENV V=1\nRUN ["pip", "install", "x", "$V"]\n'
    [command] = analyse(text)
    assert (command.line, command.texts()) == (3, ["pip", "install", "x", "$V"])
    assert command.exact


def test_exec_form_shell_dash_c_is_split():
    text = HEAD + 'RUN ["/bin/bash", "-c", "pip install y && cd /srv && ls"]\n'
    found = analyse(text)
    assert [(c.line, c.texts(), c.cwd) for c in found] == [
        (2, ["pip", "install", "y"], "/"),
        (2, ["cd", "/srv"], "/"),
        (2, ["ls"], "/srv"),
    ]


def test_exec_form_shell_dash_c_columns():
    text = HEAD + 'RUN ["/bin/bash","-c","pip install y && ls"]\n'
    assert [(c.column, c.texts()) for c in analyse(text)] == [(24, ["pip", "install", "y"]), (41, ["ls"])]


def test_sh_dash_c_string_is_split_and_its_cd_does_not_leak():
    text = HEAD + "WORKDIR /w\nRUN sh -c 'cd /data && pip install z' && pwd\n"
    found = analyse(text)
    assert [(c.line, c.texts(), c.cwd) for c in found] == [
        (3, ["sh", "-c", "cd /data && pip install z"], "/w"),
        (3, ["cd", "/data"], "/w"),
        (3, ["pip", "install", "z"], "/data"),
        (3, ["pwd"], "/w"),
    ]


def test_bash_ec_string_is_split():
    text = HEAD + 'RUN bash -ec "pip install w; apt-get install -y q"\n'
    assert commands(text) == [
        (2, ["bash", "-ec", "pip install w; apt-get install -y q"]),
        (2, ["pip", "install", "w"]),
        (2, ["apt-get", "install", "-y", "q"]),
    ]


def test_export_inside_sh_c_does_not_leak():
    found = analyse(HEAD + "RUN sh -c 'export P=pip3' && $P install x\n")
    assert found[-1].texts() == ["$P", "install", "x"]
    assert found[-1].words[0].known is False


def test_su_dash_c_string_is_split():
    found = analyse(HEAD + 'RUN su app -c "pip install --user x"\n')
    assert [c.texts() for c in found] == [
        ["su", "app", "-c", "pip install --user x"],
        ["pip", "install", "--user", "x"],
    ]


def test_bash_with_a_script_file_is_one_command():
    assert commands(HEAD + "RUN bash install.sh -c x\n") == [(2, ["bash", "install.sh", "-c", "x"])]


def test_sh_dash_c_columns():
    text = HEAD + "RUN sh -c 'cd /data && pip install z'\n"
    assert [(c.column, c.texts()) for c in analyse(text)][1:] == [(12, ["cd", "/data"]), (24, ["pip", "install", "z"])]


def test_multi_line_sh_dash_c_lines():
    text = HEAD + 'RUN bash -c "pip install a && \\\n    pip install b"\n'
    assert [(c.line, c.texts()) for c in analyse(text)][1:] == [
        (2, ["pip", "install", "a"]),
        (3, ["pip", "install", "b"]),
    ]


# -- ONBUILD, SHELL, unparseable shell ------------------------------------------------------------


def test_onbuild_run_commands_are_kept_apart():
    text = HEAD + "ONBUILD RUN pip install onb\nRUN echo now\n"
    dockerfile = build_model(parse_dockerfile(text.encode()), "Dockerfile")
    installs = compute_facts(dockerfile).installs(dockerfile.stages[0])
    assert [c.texts() for c in installs.commands] == [["echo", "now"]]
    assert [(c.line, c.column, c.texts(), c.onbuild) for c in installs.onbuild_commands] == [
        (2, 13, ["pip", "install", "onb"], True)
    ]
    assert installs.pip == ()
    assert not installs.commands[0].onbuild


def test_non_posix_shell_falls_back_inexact():
    text = HEAD + 'SHELL ["powershell", "-Command"]\nRUN pip install win ; Write-Host done\n'
    found = analyse(text)
    assert [(c.column, c.texts(), c.exact) for c in found] == [
        (5, ["pip", "install", "win"], False),
        (23, ["Write-Host", "done"], False),
    ]


def test_bash_shell_instruction_stays_exact():
    text = HEAD + 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN pip install a | tee log\n'
    assert [(c.texts(), c.exact) for c in analyse(text)] == [(["pip", "install", "a"], True), (["tee", "log"], True)]


def test_unterminated_quote_falls_back_and_finds_the_pip_install():
    found = analyse(HEAD + 'RUN pip install tensorflow && echo "oops\n')
    assert [(c.column, c.texts(), c.exact) for c in found] == [
        (5, ["pip", "install", "tensorflow"], False),
        (31, ["echo", "oops"], False),
    ]


def test_if_without_fi_falls_back_and_finds_the_pip_installs():
    text = HEAD + "RUN if true; then pip install g; \\\n    pip install h\nRUN pip install ok\n"
    found = analyse(text)
    assert [(c.line, c.column, c.texts(), c.exact) for c in found] == [
        (2, 8, ["true"], False),
        (2, 19, ["pip", "install", "g"], False),
        (3, 5, ["pip", "install", "h"], False),
        (4, 5, ["pip", "install", "ok"], True),
    ]


@pytest.mark.parametrize(
    "run",
    ["$(", '"', "'", "((", ")))", "case x in", "cat <<", "${", "`", "a && && b", "{ ;", "done", "fi fi", "$((1+"],
)
def test_garbage_never_crashes(run):
    found = analyse(HEAD + f"RUN {run}\nRUN pip install after\n")
    assert found[-1].texts() == ["pip", "install", "after"]


def test_en_dash_is_a_literal_word():
    [command] = analyse(HEAD + "RUN pip install –upgrade tensorflow\n")
    assert command.texts() == ["pip", "install", "–upgrade", "tensorflow"]
    assert command.exact
    assert [word.column for word in command.words] == [5, 9, 17, 26]


# -- cd and WORKDIR ----------------------------------------------------------------------------


def test_cd_tracking():
    text = HEAD + "WORKDIR /app\nRUN cd sub && pip install -r r.txt && cd .. && pwd\nWORKDIR rel\nRUN pwd\n"
    found = analyse(text)
    assert [(c.texts()[0], c.cwd) for c in found] == [
        ("cd", "/app"),
        ("pip", "/app/sub"),
        ("cd", "/app/sub"),
        ("pwd", "/app"),
        ("pwd", "/app/rel"),
    ]


def test_cd_to_unknown_places_makes_cwd_unknown():
    found = analyse(
        HEAD + "RUN cd /x; cd rel; pwd; cd $UNK; pwd; cd /y; cd -; pwd; cd /z; cd; pwd; cd /q; cd ~/a; pwd\n"
    )
    pwds = [c.cwd for c in found if c.name == "pwd"]
    assert pwds == ["/x/rel", None, None, None, None]


def test_default_cwd_is_root_and_workdir_uses_args():
    text = "FROM python:3.11-slim\nRUN pwd\nARG APP=/srv/app\nWORKDIR $APP\nRUN pwd\nWORKDIR $NOPE\nRUN pwd\n"
    assert [c.cwd for c in analyse(text)] == ["/", "/srv/app", None]


# -- commands hidden in variables ---------------------------------------------------------------


def test_env_variable_holding_a_command_is_split():
    [command] = analyse(HEAD + 'ENV PIP_INSTALL="pip install --no-cache-dir"\nRUN $PIP_INSTALL tensorflow\n')
    assert command.texts() == ["pip", "install", "--no-cache-dir", "tensorflow"]
    assert all(word.known for word in command.words)
    assert (command.words[0].raw, command.words[0].column) == ("$PIP_INSTALL", 5)


def test_arg_variable_holding_the_pip_command():
    text = HEAD + "ARG PIP=pip3\nRUN ${PIP} install x\n"
    assert commands(text) == [(3, ["pip3", "install", "x"])]
    assert commands(text, build_args={"PIP": "pip3.11"}) == [(3, ["pip3.11", "install", "x"])]


TF_PATTERN = (
    HEAD + "ARG PIP=pip3\nARG TF_PACKAGE=tensorflow\nARG TF_PACKAGE_VERSION\n"
    "RUN ${PIP} install ${TF_PACKAGE}${TF_PACKAGE_VERSION:+==${TF_PACKAGE_VERSION}}\n"
)


def test_official_tf_pattern_with_build_arg():
    [command] = analyse(TF_PATTERN, build_args={"TF_PACKAGE_VERSION": "2.15.0"})
    assert command.texts() == ["pip3", "install", "tensorflow==2.15.0"]
    assert all(word.known for word in command.words)


def test_official_tf_pattern_without_build_arg():
    [command] = analyse(TF_PATTERN)
    assert command.texts() == ["pip3", "install", "tensorflow"]
    assert all(word.known for word in command.words)


def test_default_modifier_for_an_unset_variable():
    assert commands(HEAD + "RUN ${PIP:-pip} install y\n") == [(2, ["pip", "install", "y"])]


def test_unknown_variable_is_not_known():
    [command] = analyse(HEAD + "RUN pip install $UNKNOWN_PKG\n")
    word = command.words[-1]
    assert (word.text, word.raw, word.known, word.column) == ("$UNKNOWN_PKG", "$UNKNOWN_PKG", False, 17)


def test_env_set_after_the_run_does_not_apply():
    [command, _] = analyse(HEAD + "RUN $P install x\nENV P=pip\nRUN $P install y\n")
    assert command.words[0].known is False


# -- run_commands called directly -------------------------------------------------------------


def test_run_commands_directly_with_env_and_cwd():
    instruction = last_run("FROM x\nRUN cd sub && $PIP install b\n")
    found = run_commands(instruction, {"PIP": "pip3"}, cwd="/w")
    assert [(c.texts(), c.cwd, c.line, c.column) for c in found] == [
        (["cd", "sub"], "/w", 2, 5),
        (["pip3", "install", "b"], "/w/sub", 2, 15),
    ]
    assert all(c.instruction is instruction for c in found)


def test_run_commands_directly_with_shells():
    instruction = last_run("FROM x\nRUN cd /a && pip install b\n")
    assert [c.exact for c in run_commands(instruction, shell=["powershell", "-Command"])] == [False, False]
    assert [c.exact for c in run_commands(instruction, shell=["/bin/bash", "-o", "pipefail", "-c"])] == [True, True]
    assert [c.cwd for c in run_commands(instruction)] == [None, "/a"]
    assert all(c.onbuild for c in run_commands(instruction, onbuild=True))


def test_pipeline_commands_are_marked_piped():
    found = analyse(HEAD + "RUN curl -fsSL x | bash && { a; b; } | c || d; e $(f | g)\n")
    assert [(c.texts()[0], c.piped, c.nested) for c in found] == [
        ("curl", True, False),
        ("bash", True, False),
        ("a", True, False),
        ("b", True, False),
        ("c", True, False),
        ("d", False, False),
        ("e", False, False),
        ("f", True, True),
        ("g", True, True),
    ]


def test_fallback_marks_pipes_too():
    found = analyse(HEAD + "RUN wget -O- x | sh; echo 'open\n")
    assert [(c.texts()[0], c.piped, c.exact) for c in found][:2] == [("wget", True, False), ("sh", True, False)]


@pytest.mark.parametrize(
    "run",
    [
        "bash -o pipefail -c 'pip install a | tee log'",
        "bash -c -o pipefail 'pip install a | tee log'",
        "bash -ceo pipefail 'pip install a | tee log'",
        "bash -O extglob -c 'pip install a | tee log'",
        "bash --login -c 'pip install a | tee log'",
        "sh -c 'pip install a | tee log' name arg",
    ],
)
def test_dash_c_string_after_options_is_split(run):
    found = analyse(HEAD + f"RUN {run}\n")
    assert [c.texts()[:2] for c in found[1:]] == [["pip", "install"], ["tee", "log"]]


@pytest.mark.parametrize("run", ["bash script.sh", "bash -- script.sh", "bash -e script.sh arg"])
def test_shell_running_a_file_is_not_a_string(run):
    assert len(analyse(HEAD + f"RUN {run}\n")) == 1
