"""Credentials fail with one precise line and never leak a secret, --debug included: a
canary secret planted in every credential source must not appear in any output."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import Result

from eci_events.sources.redact import redact, remember
from tests.conftest import run

CANARIES = (
    "CANARY-uri-secret-5e1f",
    "CANARY-uri-token-8a2b",
    "CANARY-uri-query-77aa",
    "CANARY-ini-secret-9c0d",
    "CANARY-oidc-token-3f4e",
    "CANARY-ram-secret-6b7c",
)
DEAD = "http://127.0.0.1:9"  # nothing listens there
# Not loopback, so proxy variables stay set (loopback endpoints drop them); the credential
# chain fails before anything is sent to it.
ENDPOINT = "http://eci.invalid:1"


def listing(*args: str) -> Result:
    return run("list", "eci-a", "--region", "cn-hangzhou", "--endpoint", ENDPOINT, "--debug", *args)


def assert_no_canary(result: Result) -> None:
    for text in (result.stdout, result.stderr):
        for canary in CANARIES:
            assert canary not in text, f"{canary} leaked:\n{text}"


@pytest.fixture
def home() -> Path:
    return Path(os.environ["HOME"])


@pytest.fixture
def credentials_uri(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A credentials URI that answers with keys but no Expiration (the library refuses it
    and prints the whole answer in its error)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(
                {
                    "Code": "Success",
                    "AccessKeyId": "LTAIuri0000",
                    "AccessKeySecret": CANARIES[0],
                    "SecurityToken": CANARIES[1],
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/creds?token={CANARIES[2]}"
    finally:
        server.shutdown()


def test_a_credentials_uri_without_expiration(
    monkeypatch: pytest.MonkeyPatch, credentials_uri: str
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_URI", credentials_uri)
    result = listing()
    assert result.exit_code == 3
    assert "the credentials URI http://127.0.0.1" in result.stderr
    assert (
        "did not answer with AccessKeyId, AccessKeySecret, SecurityToken and Expiration"
        in result.stderr
    )
    assert_no_canary(result)


def test_an_unreachable_credentials_uri_is_a_network_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_URI", f"{DEAD}/creds?token={CANARIES[2]}")
    result = listing()
    assert result.exit_code == 4
    assert "could not be reached" in result.stderr and "--debug" in result.stderr
    assert_no_canary(result)


def test_a_malformed_credentials_ini_line_is_named_by_number_only(home: Path) -> None:
    ini = home / ".alibabacloud" / "credentials.ini"
    ini.parent.mkdir()
    ini.write_text(
        f"[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret {CANARIES[3]}\n"
    )
    result = listing()
    assert result.exit_code == 3
    assert "credentials.ini: line 4 is not 'key = value'" in result.stderr
    assert_no_canary(result)


def test_oidc_with_sts_unreachable(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    token = home / "oidc-token"
    token.write_text(CANARIES[4])
    monkeypatch.setenv("ALIBABA_CLOUD_OIDC_TOKEN_FILE", str(token))
    monkeypatch.setenv("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1234:role/eci-reader")
    monkeypatch.setenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "acs:ram::1234:oidc-provider/ack")
    monkeypatch.setenv("HTTPS_PROXY", DEAD)  # STS is unreachable, and nothing leaves the machine
    result = listing()
    assert result.exit_code == 4
    assert "STS could not be reached" in result.stderr
    assert_no_canary(result)


def test_oidc_token_file_missing(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_OIDC_TOKEN_FILE", str(home / "nope"))
    monkeypatch.setenv("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1234:role/eci-reader")
    monkeypatch.setenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "acs:ram::1234:oidc-provider/ack")
    result = listing()
    assert result.exit_code == 3
    assert "the OIDC token file" in result.stderr and "cannot be read" in result.stderr


def test_ram_role_profile_with_sts_unreachable(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    config = home / ".aliyun" / "config.json"
    config.parent.mkdir()
    config.write_text(
        json.dumps(
            {
                "current": "role",
                "profiles": [
                    {
                        "name": "role",
                        "mode": "RamRoleArn",
                        "access_key_id": "LTAIram0000",
                        "access_key_secret": CANARIES[5],
                        "ram_role_arn": "acs:ram::1234:role/eci-reader",
                        "ram_session_name": "eci-events",
                        "region_id": "cn-hangzhou",
                    }
                ],
            }
        )
    )
    monkeypatch.setenv("HTTPS_PROXY", DEAD)
    result = listing()
    assert result.exit_code == 4
    assert "STS could not be reached" in result.stderr
    assert "Signature=" not in result.stderr.replace("Signature=***", "")
    assert "LTAIram0000" not in result.stderr
    assert_no_canary(result)


@pytest.mark.parametrize("where", ["id", "secret"])
def test_a_key_pasted_with_a_carriage_return(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    monkeypatch.setenv(
        "ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIpasted0001" + ("\r" if where == "id" else "")
    )
    monkeypatch.setenv(
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET", CANARIES[3] + ("\r" if where == "secret" else "")
    )
    result = run("list", "eci-a", "--region", "cn-hangzhou", "--endpoint", ENDPOINT)
    assert result.exit_code == 3
    what = "AccessKey id" if where == "id" else "AccessKey secret"
    assert f"the {what} from the environment has whitespace in it" in result.stderr
    assert "LTAIpasted0001" not in result.stderr
    assert_no_canary(result)


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        (
            {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIonly"},
            "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is empty",
        ),
        (
            {"ALIBABA_CLOUD_ACCESS_KEY_SECRET": CANARIES[3]},
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is empty",
        ),
    ],
)
def test_half_set_environment_says_which_half(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], words: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    result = run("list", "eci-a", "--region", "cn-hangzhou", "--endpoint", ENDPOINT)
    assert result.exit_code == 3 and words in result.stderr
    assert_no_canary(result)


def test_a_corrupt_cli_config_says_where(home: Path) -> None:
    config = home / ".aliyun" / "config.json"
    config.parent.mkdir()
    config.write_text('{"current": "x", "profiles": [\n{"access_key_secret": "' + CANARIES[3])
    result = run("list", "eci-a", "--region", "cn-hangzhou", "--endpoint", ENDPOINT)
    assert result.exit_code == 3
    assert "config.json is not valid JSON (line 2" in result.stderr
    assert_no_canary(result)


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        (
            "GET https://sts.aliyuncs.com/?AccessKeyId=LTAIx&Signature=abc%3D&OIDCToken=tok",
            ["LTAIx", "abc%3D", "tok"],
        ),
        ('result: {"AccessKeySecret": "s3cr3t", "SecurityToken": "t0k3n"}', ["s3cr3t", "t0k3n"]),
        ("[line  4]: 'access_key_secret hunter2\\n'", ["hunter2"]),
        (
            "Authorization: ACS3-HMAC-SHA256 Credential=LTAIabc,SignedHeaders=x,Signature=deadbeef",
            ["LTAIabc", "deadbeef"],
        ),
        ("http://user:pa55@proxy.example:8080/", ["pa55"]),
    ],
)
def test_redact_recognises_secrets_in_library_messages(text: str, hidden: list[str]) -> None:
    scrubbed = redact(text)
    for secret in hidden:
        assert secret not in scrubbed


def test_redact_masks_values_it_was_told_about() -> None:
    remember("a-remembered-secret-value")
    assert redact("it was a-remembered-secret-value here") == "it was *** here"
    assert redact("the STS token has expired (InvalidSecurityToken.Expired)") == (
        "the STS token has expired (InvalidSecurityToken.Expired)"
    )


def test_library_texts_are_scrubbed_where_they_enter() -> None:
    """A credential provider's failure is scrubbed as it is caught, before any message or
    debug line is made of it (the debug sink scrubs again: test_client)."""
    from eci_events.sources.credentials import _Failure

    problem = ValueError(
        f'error retrieving credentials from http://h/c?token={CANARIES[2]} result: {{"AccessKeySecret": "{CANARIES[0]}"}}'
    )
    text = _Failure("ALIBABA_CLOUD_CREDENTIALS_URI", problem).text
    assert CANARIES[0] not in text and CANARIES[2] not in text
    assert text.startswith("ValueError: error retrieving credentials from http://h/c?***")
