"""BuildKit's shell lexer (frontend/dockerfile/shell) on the project's own cases."""

from __future__ import annotations

import pytest

from tfimage_lint.syntax.shell_lex import ShellError, ShellLex, VariableReference

ENV = {
    "V": "value",
    "EMPTY": "",
    "P": "/usr/local/bin",
    "F": "archive.tar.gz",
    "W": "abcabc",
    "STAR": "a*b",
    "SPACED": "x y",
}


def expand(word: str, env: dict[str, str] | None = None, escape: str = "\\") -> str:
    return ShellLex(escape).process_word(word, ENV if env is None else env)


# -- plain references, defaults and alternates ------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("$V", "value"),
        ("${V}", "value"),
        ("a${V}b", "avalueb"),
        ("$V_x", ""),  # the name is V_x, which is unset
        ("${V}_x", "value_x"),
        ("$V.txt", "value.txt"),
        ("$", "$"),
        ("a$", "a$"),
        ("$.", "$."),
        ("$1x", "x"),
        ("$UNSET", ""),
        ("${UNSET}", ""),
        # ${V:-w} / ${V-w}: the word when unset (":" also when empty)
        ("${UNSET:-def}", "def"),
        ("${EMPTY:-def}", "def"),
        ("${V:-def}", "value"),
        ("${UNSET-def}", "def"),
        ("${EMPTY-def}", ""),
        # ${V:+w} / ${V+w}: the word when set (":" only when non-empty)
        ("${V:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${UNSET:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("${UNSET+alt}", ""),
        # ${V:?w} / ${V?w}: the value when allowed
        ("${V:?msg}", "value"),
        ("${EMPTY?msg}", ""),
        # nesting
        ("${UNSET:-${V}}", "value"),
        ("${UNSET:-${ALSO_UNSET:-deep}}", "deep"),
        ("${V:+[$V]}", "[value]"),
    ],
)
def test_expansion(word, expected):
    assert expand(word) == expected


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("${UNSET:?}", "UNSET: is not allowed to be unset"),
        ("${UNSET?}", "UNSET: is not allowed to be unset"),
        ("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
        ("${UNSET:?must be set}", "UNSET: must be set"),
        ("${EMPTY:?must not be empty}", "EMPTY: must not be empty"),
        ("${}", "syntax error: bad substitution"),
        ("${:-x}", "syntax error: bad substitution"),
        ("${{V}", "syntax error: bad substitution"),
        ("${", "syntax error: missing '}'"),
        ("${V:-x", "syntax error: missing '}'"),
        ("${V:", "syntax error: missing '}'"),
        ("${V:=x}", "unsupported modifier (:=) in substitution"),
        ("${V=x}", "unsupported modifier (=) in substitution"),
        ("${V/a", "syntax error: missing '/' in ${}"),
        ("${V/a/b", "syntax error: missing '}'"),
        ("${V#\\x}", "invalid pattern (\\x) in substitution: invalid escape '\\x'"),
        ('"abc', "unexpected end of statement while looking for matching double-quote"),
        ("'abc", "unexpected end of statement while looking for matching single-quote"),
        # BuildKit's processDollar: `if nullIsUnset && rawEscapes` -> unsupported modifier.
        ("${V:#v}", "unsupported modifier (:#) in substitution"),
        ("${V:%e}", "unsupported modifier (:%) in substitution"),
    ],
)
def test_expansion_errors(word, message):
    with pytest.raises(ShellError) as excinfo:
        expand(word)
    assert str(excinfo.value) == message


# -- escapes and quotes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("\\$V", "$V"),
        ("\\${V}", "${V}"),
        ("a\\ b", "a b"),
        ("a\\\\b", "a\\b"),
        ("a\\tb", "atb"),
        ("trailing\\", "trailing"),
        ("'$V'", "$V"),
        ("'a\\'", "a\\"),
        ("'say \"hi\"'", 'say "hi"'),
        ('"$V"', "value"),
        ('"${V}s"', "values"),
        ('"a\\"b"', 'a"b'),
        ('"a\\$V"', "a$V"),
        ('"a\\\\b"', "a\\b"),
        ('"a\\tb"', "a\\tb"),
        ('"it\'s"', "it's"),
        ("a'b'\"c\"d", "abcd"),
        ("\"''\"", "''"),
    ],
)
def test_escapes_and_quotes(word, expected):
    assert expand(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("a`$V", "a$V"),
        ("C:\\path\\$V", "C:\\path\\value"),
        ('"q`"r"', 'q"r'),
        ("a``b", "a`b"),
        ("a` b", "a b"),
        ('"C:\\dir"', "C:\\dir"),
    ],
)
def test_backtick_escape_token(word, expected):
    assert expand(word, escape="`") == expected


def test_raw_quotes_and_skip_unset_env_options():
    assert ShellLex(raw_quotes=True).process_word("a\"b\"'c'", {}) == "a\"b\"'c'"
    lexer = ShellLex(skip_unset_env=True)
    assert lexer.process_word("$A ${B} ${C:-d} ${D/x/y} $V", {"V": "v"}) == "$A ${B} ${C:-d} ${D/x/y} v"


# -- pattern forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        # ${V#p}: shortest prefix, ${V##p}: longest prefix
        ("${P#*/}", "usr/local/bin"),
        ("${P##*/}", "bin"),
        ("${F#*.}", "tar.gz"),
        ("${F##*.}", "gz"),
        ("${W#?b}", "cabc"),
        ("${W#*b}", "cabc"),
        ("${W##*b}", "c"),
        ("${W#x*}", "abcabc"),
        # ${V%p}: shortest suffix, ${V%%p}: longest suffix
        ("${P%/*}", "/usr/local"),
        ("${P%%/*}", ""),
        ("${F%.*}", "archive.tar"),
        ("${F%%.*}", "archive"),
        ("${W%b?}", "abca"),
        ("${W%c*}", "abcab"),
        ("${W%%c*}", "ab"),
        # escaped wildcards and regex characters are literal
        ("${STAR#a\\*}", "b"),
        ("${STAR%\\*b}", "a"),
        ("${F%.gz}", "archive.tar"),
        ("${F#archive.}", "tar.gz"),
        # ${V/p/r}: first match, ${V//p/r}: every match; no anchors (bash's ${V/#p/r} is literal)
        ("${W/b/X}", "aXcabc"),
        ("${W//b/X}", "aXcaXc"),
        ("${W/?c/X}", "aXabc"),
        ("${W//?c/X}", "aXaX"),
        ("${W//a*c/X}", "X"),
        ("${W//b/}", "acac"),
        ("${W/#a/X}", "abcabc"),
        ("${W/[a]/X}", "abcabc"),
        ("${P//\\//:}", ":usr:local:bin"),
        ("${UNSET#a}", ""),
        ("${UNSET//a/b}", ""),
    ],
)
def test_pattern_forms(word, expected):
    assert expand(word) == expected


def test_pattern_wildcards_do_not_cross_newlines():
    # Go's regexp '.' does not match '\n' (no (?s) flag in convertShellPatternToRegex).
    env = {"M": "line1\nline2"}
    assert expand("${M#*1}", env) == "\nline2"
    assert expand("${M#*2}", env) == "line1\nline2"
    assert expand("${M%1*}", env) == "line1\nline2"


def test_replace_all_ignores_an_empty_match_after_a_match():
    # Go's ReplaceAllString skips empty matches abutting a preceding match: `.*` on "abc" is one match.
    assert expand("${W//*/X}", {"W": "abc"}) == "X"


def test_replace_all_expands_go_template_references_in_the_replacement():
    # BuildKit calls re.ReplaceAllString(value, replacement): "$0" in the replacement is the match.
    assert expand("${W//b/$R}", {"W": "abc", "R": "[$0]"}) == "a[b]c"


# -- references --------------------------------------------------------------------------------


def test_variable_references():
    word = 'a$V b${W:-x} ${X#y} "${Y/a/b}" ${Z+q} ${Q:?m} $1 $@ ${N}'
    result = ShellLex().process(word, {"V": "1", "X": "yz", "Q": "v"})
    assert result.references == [
        VariableReference("V", 1, ""),
        VariableReference("W", 5, ":-"),
        VariableReference("X", 13, "#"),
        VariableReference("Y", 21, "/"),
        VariableReference("Z", 31, "+"),
        VariableReference("Q", 38, ":?"),
        VariableReference("1", 46, ""),
        VariableReference("@", 49, ""),
        VariableReference("N", 52, ""),
    ]
    assert [word[ref.offset] for ref in result.references] == ["$"] * 9
    assert [ref.tolerates_unset for ref in result.references] == [
        False,
        True,
        False,
        False,
        True,
        True,
        False,
        False,
        False,
    ]
    assert result.matched == {"V", "X", "Q"}
    assert result.unmatched == {"W", "Y", "Z", "1", "@", "N"}
    assert result.result == "a1 bx z   v   "


@pytest.mark.parametrize(
    ("modifier", "tolerates"),
    [
        ("", False),
        (":-", True),
        ("-", True),
        (":+", True),
        ("+", True),
        (":?", True),
        ("?", True),
        ("#", False),
        ("##", False),
        ("%", False),
        ("/", False),
    ],
)
def test_tolerates_unset(modifier, tolerates):
    assert VariableReference("V", 0, modifier).tolerates_unset is tolerates


def test_escaped_dollar_is_not_a_reference():
    result = ShellLex().process("\\$V '$W' \"$X\"", {})
    assert result.references == [VariableReference("X", 10, "")]


def test_references_with_backtick_escape():
    result = ShellLex("`").process("`$A C:\\$B", {})
    assert result.references == [VariableReference("B", 7, "")]


# -- word splitting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "env", "words"),
    [
        ("a b  c", {}, ["a", "b", "c"]),
        ("  lead trail  ", {}, ["lead", "trail"]),
        ('"a b" c', {}, ["a b", "c"]),
        ("'a  b'c", {}, ["a  bc"]),
        ("a\\ b c", {}, ["a b", "c"]),
        ("$S", {"S": "x y"}, ["x", "y"]),
        ('"$S"', {"S": "x y"}, ["x y"]),
        ("a${S}b", {"S": "x y"}, ["ax", "yb"]),
        ("$S", {"S": " lead trail "}, ["lead", "trail"]),
        ("${U:-a b} c", {}, ["a", "b", "c"]),
        ('"${U:-a b}" c', {}, ["a b", "c"]),
        # BuildKit drops empty words, even quoted ones
        ('""', {}, []),
        ("a '' b", {}, ["a", "b"]),
        ('"$E"', {"E": ""}, []),
        ("x$E", {"E": ""}, ["x"]),
        ("a\u00a0b", {}, ["a", "b"]),
    ],
)
def test_word_splitting(word, env, words):
    assert ShellLex().process_words(word, env) == words


def test_process_returns_word_and_words_together():
    result = ShellLex().process("cp $SRC /dst", {"SRC": "a b"})
    assert (result.result, result.words) == ("cp a b /dst", ["cp", "a", "b", "/dst"])
