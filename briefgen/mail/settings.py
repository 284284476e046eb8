"""The [mail] table: where to send from, how to reach the server, who is on which list."""

from __future__ import annotations

import os
from email import policy
from email.headerregistry import Address
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from briefgen.config import Workspace, never_red
from briefgen.errors import ConfigError
from briefgen.model import Handling
from briefgen.problems import Problem

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


def one_address(value: str) -> Address:
    """One mailbox (`a@b.org` or `Name <a@b.org>`); ValueError for anything else, CR/LF included."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"{value!r}: line breaks are not allowed in an address")
    header = policy.default.header_factory("To", value)
    addresses = getattr(header, "addresses", ())
    if header.defects or len(addresses) != 1 or not addresses[0].domain or not addresses[0].username:
        raise ValueError(f"{value!r} is not one e-mail address")
    return addresses[0]


class MailConfig(BaseModel):
    """The [mail] table of briefgen.toml. The password is never here: only the name of the variable
    holding it."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field("localhost", min_length=1, description="SMTP server.")
    port: int | None = Field(
        None, ge=1, le=65535, description="Default: 587 (starttls), 465 (ssl), 25 (none)."
    )
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = Field(None, min_length=1)
    password_env: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable holding the password.",
    )
    sender: str = Field(description="From address, e.g. 'Briefs <briefs@example.org>'.")
    lists: dict[str, list[str]] = Field(
        default_factory=dict, description="Distribution lists: name → addresses."
    )
    retries: int = Field(3, ge=0, le=20, description="Further attempts after a transient failure.")
    backoff: float = Field(
        30.0, ge=0, le=3600, description="Seconds before the first retry; doubles each time."
    )
    timeout: float = Field(60.0, gt=0, le=600, description="Seconds to wait for the server at each step.")
    cafile: str | None = Field(
        None, description="PEM file of a private CA to trust (workspace-relative or absolute)."
    )
    release: dict[str, Handling] = Field(
        default_factory=dict,
        description="[mail.release]: list name → its release level (default TLP:GREEN; never TLP:RED).",
    )

    @field_validator("release")
    @classmethod
    def _levels(cls, value: dict[str, Handling]) -> dict[str, Handling]:
        for level in value.values():
            never_red([level])
        return value

    def level_of(self, list_name: str) -> Handling:
        """The release level of a list: what it may receive at most."""
        return self.release.get(list_name, Handling.GREEN)

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError(
                "never write the password in briefgen.toml: "
                "set password_env to the name of an environment variable holding it"
            )
        return data

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        one_address(value)
        return value

    @field_validator("lists")
    @classmethod
    def _lists(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, addresses in value.items():
            if not addresses:
                raise ValueError(f"list {name!r} has no addresses")
            for address in addresses:
                one_address(address)
        return value

    @model_validator(mode="after")
    def _credentials(self) -> MailConfig:
        if self.username and not self.password_env:
            raise ValueError(
                "username is set but password_env is not: name the environment variable holding the password"
            )
        return self

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def server(self) -> str:
        """`host:port`, as failures and the ledger name the server."""
        return f"{self.host}:{self.effective_port}"


def mail_config(workspace: Workspace) -> MailConfig:
    """The workspace's [mail] table, validated; a missing table is a configuration error with a hint."""
    if "mail" not in workspace.tables:
        hint = "add a [mail] table with host, sender and lists (see docs/digest-and-mail.md)"
        raise ConfigError([Problem(workspace.config_name, 1, 1, "no [mail] settings", "mail", hint)])
    return workspace.section("mail", MailConfig)


def recipients_of(config: MailConfig, list_name: str, workspace: Workspace) -> list[str]:
    if list_name not in config.lists:
        known = ", ".join(sorted(config.lists)) or "none defined"
        message = f"no mailing list {list_name!r}"
        raise ConfigError([Problem(workspace.config_name, 1, 1, message, "mail.lists", f"lists: {known}")])
    return list(config.lists[list_name])


def password_from_env(config: MailConfig, workspace: Workspace) -> str | None:
    """The SMTP password, read from the environment variable the config names (never from a file
    or an option)."""
    if not config.username:
        return None
    assert config.password_env is not None
    password = os.environ.get(config.password_env)
    if not password:
        message = f"environment variable {config.password_env} is not set"
        hint = f"it holds the SMTP password for {config.username}"
        raise ConfigError([Problem(workspace.config_name, 1, 1, message, "mail.password_env", hint)])
    return password
