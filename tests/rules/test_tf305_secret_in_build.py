"""TF305 secret-in-build."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.rules.tf305_secret_in_build import secret_name

NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
PY = "FROM python:3.11-slim\n"
HF = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
NVAPI = "nvapi-" + "Zx9" * 20

OK = {
    "tokenizers setting": PY + "ENV TOKENIZERS_PARALLELISM=false\n",
    "password policy": PY + "ARG PASSWORD_MIN_LENGTH=12\n",
    "path to a token": PY + "ENV HF_TOKEN_PATH=/run/secrets/hf_token\n",
    "GPG key fingerprint": PY + "ENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D\n",
    "apt-key setting": PY + "ENV APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE=1\n",
    "AWS key id is not the secret": PY + "ARG AWS_ACCESS_KEY_ID\n",
    "empty ENV": PY + 'ENV JUPYTER_TOKEN=""\n',
    "ENV pointing at a secret file": PY + "ENV HF_TOKEN=/run/secrets/hf_token\n",
    "secret mount": PY + "RUN --mount=type=secret,id=hf_token,env=HF_TOKEN python download.py\n",
    "secret mount read into a variable": PY + "RUN --mount=type=secret,id=tok TOKEN=$(cat /run/secrets/tok) && \\\n"
    "    git clone https://x-access-token:$TOKEN@github.com/org/repo.git\n",
    "pip index from a secret mount": PY + "RUN --mount=type=secret,id=idx \\\n"
    '    pip install --extra-index-url "$(cat /run/secrets/idx)" mypkg\n',
    "netrc mounted": PY + "RUN --mount=type=secret,id=netrc,target=/root/.netrc pip install mypkg\n",
    "index URL without credentials": PY + "RUN pip install --index-url https://pypi.example.com/simple mypkg\n",
    "git ssh URL": PY + "RUN git clone git@github.com:org/repo.git && git clone https://git@github.com/o/r.git\n",
    "docker login --password-stdin": PY + "RUN --mount=type=secret,id=pw docker login -u me --password-stdin "
    "registry.example.com < /run/secrets/pw\n",
    "ngc config set with NGC's no-key answer": PY + 'RUN echo "no-apikey\\nascii\\n" | ngc-cli/ngc config set\n',
    "netrc written and deleted in the same RUN": PY
    + 'RUN echo "machine h login u password p" > ~/.netrc && pip install x && rm ~/.netrc\n',
    "netrc mentioned without a password": PY + 'RUN echo "machine h login u" > ~/.netrc\n',
    "a secret-named variable set from a secret": PY
    + "RUN --mount=type=secret,id=hf HF_TOKEN=$(cat /run/secrets/hf) python download.py\n",
    "URL credential from an ARG already reported is not reported twice": None,
    "ARG of another name": PY + "ARG TF_VERSION=2.15.0\n",
    "odd ARG and ENV do not crash": PY + "ARG\nENV\nENV HF_TOKEN\nARG =x\n",
}
OK.pop("URL credential from an ARG already reported is not reported twice")
BAD = {
    "ARG with no value": (NGC + "ARG NGC_API_KEY\n", [2]),
    "ARG with a default": (NGC + "ARG HF_TOKEN=" + HF + "\n", [2]),
    "global ARG": ("ARG WANDB_API_KEY\n" + NGC, [1]),
    "lower-case name": (PY + "ARG token=nvidia\n", [2]),
    "*_TOKEN suffix": (PY + "ARG _CI_JOB_TOKEN=\n", [2]),
    "*_PASSWORD suffix": (PY + "ARG DB_PASSWORD\n", [2]),
    "*_SECRET* word": (PY + "ARG AWS_SECRET_ACCESS_KEY\nARG CLIENT_SECRET\n", [2, 3]),
    "*_API_KEY": (PY + "ARG OPENAI_API_KEY\nARG KAGGLE_KEY\n", [2, 3]),
    "second word of an ARG": (PY + "ARG TF_VERSION=2.15.0 HF_TOKEN\n", [2]),
    "ENV with a value": (PY + "ENV HUGGING_FACE_HUB_TOKEN=" + HF + "\n", [2]),
    "ENV from an ARG": (PY + "ARG HF_TOKEN\nENV HF_TOKEN=$HF_TOKEN\n", [2, 3]),
    "continuation line of a multi-line ENV": (
        PY + "ENV PYTHONUNBUFFERED=1 \\\n    NGC_CLI_API_KEY=" + NVAPI + " \\\n    TF_CPP_MIN_LOG_LEVEL=1\n",
        [3],
    ),
    "PIP_INDEX_URL with credentials": (PY + "ENV PIP_INDEX_URL=https://user:p4ssw0rd@pypi.example.com/simple\n", [2]),
    "PIP_EXTRA_INDEX_URL from a secret ARG": (
        PY + "ARG PIP_PASSWORD\nENV PIP_EXTRA_INDEX_URL=https://user:${PIP_PASSWORD}@pypi.example.com/simple\n",
        [2, 3],
    ),
    "ARG default with a URL credential": (PY + "ARG INDEX=https://__token__:abc123@pypi.example.com/simple\n", [2]),
    "token of a known format in an ENV of another name": (PY + "ENV SOME_SETTING=" + HF + "\n", [2]),
    "pip --extra-index-url with a password": (
        PY + "RUN pip install --extra-index-url https://user:s3cr3t@pypi.example.com/simple mypkg\n",
        [2],
    ),
    "pip --index-url= form on a continuation line": (
        PY + "RUN apt-get update && \\\n    pip install --index-url=https://u:pw@pypi.example.com/simple x\n",
        [3],
    ),
    "git clone with a token as user": (
        PY + "RUN git clone https://" + "ghp_" + "a1" * 18 + "@github.com/o/r.git\n",
        [2],
    ),
    "git clone with an ARG of another name": (
        PY + "ARG CREDS\nRUN git clone https://oauth2:${CREDS}@gitlab.example.com/o/r.git\n",
        [3],
    ),
    "docker login -p": (PY + "RUN docker login -u me -p s3cret registry.example.com\n", [2]),
    "docker login --password=": (PY + "RUN docker login --username me --password=s3cret nvcr.io\n", [2]),
    "huggingface-cli login --token": (PY + "RUN huggingface-cli login --token " + HF + "\n", [2]),
    "wandb login KEY": (PY + "RUN wandb login 0123456789abcdef0123456789abcdef01234567\n", [2]),
    "ngc config set fed a key": (
        NGC + 'ARG NGC_API_KEY\nRUN echo -e "${NGC_API_KEY}\\njson\\nnvidia\\n" | ngc config set\n',
        [2, 3],
    ),
    "netrc with a password": (PY + 'RUN echo "machine h.example.com login u password p4ss" > ~/.netrc\n', [2]),
    "netrc heredoc": (PY + "RUN cat > /root/.netrc <<EOF\nmachine h.example.com\nlogin u\npassword p4ss\nEOF\n", [5]),
    "secret-named prefix with a literal": (PY + "RUN HF_TOKEN=" + HF + " python download.py\n", [2]),
    "export with a literal": (PY + "RUN export WANDB_API_KEY=abc123 && python train.py\n", [2]),
    "heredoc RUN": (
        PY + "RUN <<EOF\nset -e\npip install --extra-index-url https://u:s3cr3t@pypi.example.com/simple x\nEOF\n",
        [4],
    ),
    "ONBUILD RUN": (PY + "ONBUILD RUN docker login -p s3cret registry.example.com\n", [2]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nARG NGC_API_KEY\n", [3]),
    "stage built on an earlier stage": (
        NGC.replace("\n", " AS base\n") + "ARG CREDS\nFROM base\n"
        "RUN pip install --index-url https://me:${CREDS}@pypi.example.com/simple x\n",
        [4],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF305"]), "TF305") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["TF305"])
    assert ids_and_lines(findings, "TF305") == [("TF305", line) for line in lines]
    assert all(f.severity.value == "error" for f in findings if f.rule_id == "TF305")


def test_url_credential_from_a_reported_arg_is_reported_once(lint):
    text = PY + "ARG GH_TOKEN\nRUN git clone https://${GH_TOKEN}@github.com/o/r.git\n"
    assert ids_and_lines(lint(text, select=["TF305"])) == [("TF305", 2)]


SECRETS = ["s3cr3tpassw0rd", HF, NVAPI, "p4ss", "abc123"]


@pytest.mark.parametrize(
    "text",
    [
        PY + "ARG HF_TOKEN=" + HF + "\n",
        PY + "ENV NGC_API_KEY=" + NVAPI + "\n",
        PY + "ENV SOME_SETTING=" + HF + "\n",
        PY + "ENV PIP_INDEX_URL=https://user:s3cr3tpassw0rd@pypi.example.com/simple\n",
        PY + "ARG INDEX=https://__token__:s3cr3tpassw0rd@pypi.example.com/simple\n",
        PY + "ARG PW=s3cr3tpassw0rd\nENV PIP_INDEX_URL=https://user:${PW}@pypi.example.com/simple\n",
        PY + "RUN pip install --extra-index-url https://user:s3cr3tpassw0rd@pypi.example.com/simple x\n",
        PY + "RUN git clone https://" + HF + "@huggingface.co/org/model\n",
        PY + "RUN docker login -u me -p s3cr3tpassw0rd nvcr.io\n",
        PY + "RUN docker login -u me -ps3cr3tpassw0rd nvcr.io\n",
        PY + "RUN huggingface-cli login --token=" + HF + "\n",
        PY + 'RUN echo "machine h login u password p4ss" > ~/.netrc\n',
        PY + "RUN cat > ~/.netrc <<EOF\nmachine h login u password p4ss\nEOF\n",
        PY + "RUN HF_TOKEN=" + HF + " python download.py\n",
        PY + "RUN export WANDB_API_KEY=abc123\n",
        PY + 'RUN curl -H "Authorization: Bearer ' + HF + '" https://huggingface.co/api/whoami\n',
        PY + "RUN echo -e '" + NVAPI + "\\njson' | ngc config set\n",
    ],
)
def test_the_secret_value_is_never_in_the_message(lint, text):
    findings = lint(text, select=["TF305"])
    assert findings, text
    for finding in findings:
        assert finding.rule_id == "TF305"
        for secret in SECRETS:
            assert secret not in finding.message
        assert any(mark in finding.message for mark in ("****", ".netrc", "declares", "ngc config set"))


def test_messages(lint):
    (arg,) = lint(NGC + "ARG NGC_API_KEY\n", select=["TF305"])
    assert arg.message.startswith("ARG NGC_API_KEY declares a build argument for a credential")
    assert "image history" in arg.message
    assert "RUN --mount=type=secret,id=ngc_api_key,env=NGC_API_KEY" in arg.message
    (env,) = lint(PY + "ENV HF_TOKEN=" + HF + "\n", select=["TF305"])
    assert env.message.startswith("ENV HF_TOKEN=**** stores a credential in the image configuration")
    (url,) = lint(PY + "RUN pip install --index-url https://me:pw@pypi.example.com/simple x\n", select=["TF305"])
    assert url.message.startswith("https://me:****@pypi.example.com puts a credential in a RUN")
    assert "RUN --mount=type=secret" in url.message
    (login,) = lint(PY + "RUN docker login -u me -p pw nvcr.io\n", select=["TF305"])
    assert login.message.startswith("`docker login -p` passes a credential on the command line")
    (ngc,) = lint(PY + 'RUN echo "$KEY\\njson" | ngc config set\n', select=["TF305"])
    assert "~/.ngc/config" in ngc.message


def test_columns(lint):
    (finding,) = lint(PY + "ENV A=1 \\\n    HF_TOKEN=x\n", select=["TF305"])
    assert (finding.line, finding.column, finding.end_column) == (3, 5, 13)
    (finding,) = lint(PY + "RUN pip install \\\n  --index-url https://u:p@h.example.com/simple x\n", select=["TF305"])
    assert (finding.line, finding.column) == (3, 15)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("HF_TOKEN", True),
        ("hf_token", True),
        ("NGC_CLI_API_KEY", True),
        ("KAGGLE_KEY", True),
        ("GITHUB_TOKEN", True),
        ("_CI_JOB_TOKEN", True),
        ("DB_PASSWORD", True),
        ("SECRET_KEY_BASE", True),
        ("MY_PRIVATE_KEY", True),
        ("TOKENIZERS_PARALLELISM", False),
        ("MAX_NEW_TOKENS", False),
        ("PASSWORD_MIN_LENGTH", False),
        ("HF_TOKEN_PATH", False),
        ("SECRETS_DIR", False),
        ("GPG_KEY", False),
        ("AWS_ACCESS_KEY_ID", False),
        ("PWD", False),
        ("TF_CUDA_COMPUTE_CAPABILITIES", False),
    ],
)
def test_secret_names(name, expected):
    assert secret_name(name) is expected


@pytest.mark.parametrize(
    "text",
    [
        PY + "RUN docker login -p\nRUN docker login --password= nvcr.io\nRUN wandb login\nRUN ngc config set\n",
        PY + "RUN echo password\nARG A=https://:@h\nENV B=https://@h C=http://u:@h D=ftp://x:y@\n",
        PY + "RUN git clone https://a:b@\nRUN python -c\n",
    ],
    ids=["login without a value", "odd URLs", "truncated URL"],
)
def test_odd_input(lint, text):
    assert ids_and_lines(lint(text, select=["TF305"]), "TF305") == []
