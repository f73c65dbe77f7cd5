"""User configuration: the TOML schema, loading with precise errors, and saving."""

from playground.config.loader import ConfigError, config_path, load_config
from playground.config.schema import Config

__all__ = ["Config", "ConfigError", "config_path", "load_config"]
