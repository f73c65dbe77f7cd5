"""The built-in provider table (hand-written data) and the simulated providers' models.

Sources: ``reference/wire-formats.md`` §8 (base URLs, env vars, key-check endpoints) and
gitleaks/trufflehog-style key patterns. ``key_check_path`` is relative to ``base_url``.
Env vars are listed in priority order (the first one set wins).

Name matching (see :meth:`playground.catalog.Catalog.provider`): the slug, then an alias,
then the longest matching *prefix family* — the convention of agent configs where
``moonshot-intl``, ``kimi-cn``, ``glm-global``, ``qwen-us`` or ``minimax-cn`` all name the
same vendor. Prefix families never shadow a slug or alias (``zai-coding`` is its own slug).

Simulated providers carry a *relative* ``base_url`` (the family path under the simulator's
root); the resolver prefixes the running simulator's root URL.
"""

from __future__ import annotations

from playground.catalog.types import KeyFormat, ModelInfo, Prices, ProviderInfo, ThinkingOptions
from playground.endpoint import AuthKind, Protocol

_KEY = (AuthKind.API_KEY,)
_LOCAL = (AuthKind.NONE, AuthKind.API_KEY)
_NONE = (AuthKind.NONE,)

_GOOGLE_ACCESS_TOKEN = KeyFormat(
    r"ya29\.[\w.-]{20,}", "Google OAuth access token (ya29.…)", AuthKind.OAUTH_TOKEN
)
_ZHIPU_KEY = KeyFormat(r"[0-9a-f]{32}\.[A-Za-z0-9]{16}", "Zhipu/Z.ai key (32 hex . 16 chars)")

PROVIDERS: tuple[ProviderInfo, ...] = (
    ProviderInfo(
        slug="openai",
        name="OpenAI",
        protocol=Protocol.OPENAI,
        base_url="https://api.openai.com/v1",
        env_vars=("OPENAI_API_KEY",),
        key_formats=(
            KeyFormat(
                r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]*T3BlbkFJ[A-Za-z0-9_-]+",
                "OpenAI key (sk-proj-…, sk-svcacct-… or sk-…, containing T3BlbkFJ)",
            ),
        ),
        key_check_path="/models",
        docs_url="https://platform.openai.com/docs/models",
    ),
    ProviderInfo(
        slug="anthropic",
        name="Anthropic",
        protocol=Protocol.ANTHROPIC,
        base_url="https://api.anthropic.com",
        aliases=("claude",),
        env_vars=("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"),
        auth_kinds=(AuthKind.API_KEY, AuthKind.OAUTH_TOKEN),
        key_formats=(
            KeyFormat(r"sk-ant-api03-[\w-]{93}AA", "Anthropic API key (sk-ant-api03-…AA)"),
            KeyFormat(
                r"sk-ant-oat01-[\w-]{40,}",
                "Claude subscription OAuth token (sk-ant-oat01-…)",
                AuthKind.OAUTH_TOKEN,
            ),
            KeyFormat(r"sk-ant-admin01-[\w-]{93}AA", "Anthropic admin key (sk-ant-admin01-…)"),
        ),
        key_check_path="/v1/models",
        docs_url="https://docs.anthropic.com/en/docs/about-claude/models",
    ),
    ProviderInfo(
        slug="gemini",
        name="Google Gemini",
        protocol=Protocol.GEMINI,
        base_url="https://generativelanguage.googleapis.com",
        aliases=("google", "google-gemini", "googleai", "google-ai-studio"),
        # The google-genai SDK lets GOOGLE_API_KEY win over GEMINI_API_KEY; we do the same.
        env_vars=("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY"),
        key_formats=(KeyFormat(r"AIza[\w-]{35}", "Google API key (AIza…, 39 chars)"),),
        key_check_path="/v1beta/models",
        docs_url="https://ai.google.dev/gemini-api/docs/models",
    ),
    ProviderInfo(
        slug="groq",
        name="Groq",
        protocol=Protocol.OPENAI,
        base_url="https://api.groq.com/openai/v1",
        env_vars=("GROQ_API_KEY",),
        key_formats=(KeyFormat(r"gsk_[a-zA-Z0-9]{52}", "Groq key (gsk_ + 52 chars)"),),
        key_check_path="/models",
        docs_url="https://console.groq.com/docs/models",
    ),
    ProviderInfo(
        slug="mistral",
        name="Mistral",
        protocol=Protocol.OPENAI,
        base_url="https://api.mistral.ai/v1",
        aliases=("mistralai", "mistral-ai"),
        env_vars=("MISTRAL_API_KEY",),
        key_formats=(KeyFormat(r"[a-zA-Z0-9]{32}", "Mistral key (32 letters and digits)"),),
        key_check_path="/models",
        docs_url="https://docs.mistral.ai/getting-started/models/",
    ),
    ProviderInfo(
        slug="xai",
        name="xAI",
        protocol=Protocol.OPENAI,
        base_url="https://api.x.ai/v1",
        aliases=("grok", "x-ai", "x.ai"),
        env_vars=("XAI_API_KEY", "GROK_API_KEY"),
        key_formats=(KeyFormat(r"xai-[0-9a-zA-Z_]{80}", "xAI key (xai- + 80 chars)"),),
        key_check_path="/api-key",
        docs_url="https://docs.x.ai/docs/models",
    ),
    ProviderInfo(
        slug="openrouter",
        name="OpenRouter",
        protocol=Protocol.OPENAI,
        base_url="https://openrouter.ai/api/v1",
        aliases=("open-router",),
        env_vars=("OPENROUTER_API_KEY",),
        key_formats=(KeyFormat(r"sk-or-v1-[0-9a-f]{64}", "OpenRouter key (sk-or-v1-…)"),),
        # The models list is public; /key needs a valid key.
        key_check_path="/key",
        docs_url="https://openrouter.ai/models",
    ),
    ProviderInfo(
        slug="deepseek",
        name="DeepSeek",
        protocol=Protocol.OPENAI,
        base_url="https://api.deepseek.com",
        env_vars=("DEEPSEEK_API_KEY",),
        key_formats=(KeyFormat(r"sk-[a-z0-9]{32}", "DeepSeek key (sk- + 32 chars)"),),
        key_check_path="/models",
        docs_url="https://api-docs.deepseek.com/",
    ),
    ProviderInfo(
        slug="cerebras",
        name="Cerebras",
        protocol=Protocol.OPENAI,
        base_url="https://api.cerebras.ai/v1",
        env_vars=("CEREBRAS_API_KEY",),
        key_formats=(KeyFormat(r"csk-[a-z0-9]{48}", "Cerebras key (csk- + 48 chars)"),),
        key_check_path="/models",
        docs_url="https://inference-docs.cerebras.ai/models/overview",
    ),
    ProviderInfo(
        slug="together",
        name="Together AI",
        protocol=Protocol.OPENAI,
        base_url="https://api.together.xyz/v1",
        aliases=("together-ai", "togetherai"),
        env_vars=("TOGETHER_API_KEY", "TOGETHERAI_API_KEY"),
        key_formats=(
            KeyFormat(r"tgp_v1_[A-Za-z0-9_-]{43}", "Together key (tgp_v1_…)"),
            KeyFormat(r"[0-9a-f]{64}", "Together legacy key (64 hex)"),
        ),
        key_check_path="/models",
        docs_url="https://docs.together.ai/docs/serverless-models",
    ),
    ProviderInfo(
        slug="fireworks",
        name="Fireworks AI",
        protocol=Protocol.OPENAI,
        base_url="https://api.fireworks.ai/inference/v1",
        aliases=("fireworks-ai", "fireworksai"),
        env_vars=("FIREWORKS_API_KEY",),
        key_formats=(KeyFormat(r"fw_[A-Za-z0-9]{20,}", "Fireworks key (fw_…)"),),
        key_check_path="/models",
        docs_url="https://fireworks.ai/docs/",
    ),
    ProviderInfo(
        slug="perplexity",
        name="Perplexity",
        protocol=Protocol.OPENAI,
        base_url="https://api.perplexity.ai",
        aliases=("pplx",),
        env_vars=("PERPLEXITY_API_KEY", "PPLX_API_KEY"),
        key_formats=(KeyFormat(r"pplx-[a-zA-Z0-9]{48}", "Perplexity key (pplx- + 48 chars)"),),
        key_check_path=None,  # no models list: a live check needs a tiny chat call
        docs_url="https://docs.perplexity.ai",
    ),
    ProviderInfo(
        slug="moonshot",
        name="Moonshot AI (Kimi)",
        protocol=Protocol.OPENAI,
        base_url="https://api.moonshot.ai/v1",
        aliases=("kimi", "moonshotai"),
        env_vars=("MOONSHOT_API_KEY", "KIMI_API_KEY"),
        key_formats=(KeyFormat(r"sk-[A-Za-z0-9]{32,}", "Moonshot key (sk-…)"),),
        key_check_path="/models",
        docs_url="https://platform.moonshot.ai/docs/api/chat",
        prefix_families=("moonshot", "kimi"),
    ),
    ProviderInfo(
        slug="zhipu",
        name="Zhipu AI (BigModel, GLM)",
        protocol=Protocol.OPENAI,
        base_url="https://open.bigmodel.cn/api/paas/v4",
        aliases=("glm", "bigmodel", "zhipuai"),
        env_vars=("ZHIPU_API_KEY", "GLM_API_KEY", "BIGMODEL_API_KEY"),
        key_formats=(_ZHIPU_KEY,),
        key_check_path="/models",
        docs_url="https://docs.bigmodel.cn/",
        prefix_families=("glm", "zhipu", "bigmodel"),
    ),
    ProviderInfo(
        slug="zai",
        name="Z.ai",
        protocol=Protocol.OPENAI,
        base_url="https://api.z.ai/api/paas/v4",
        aliases=("z.ai", "z-ai"),
        env_vars=("ZAI_API_KEY", "ZHIPU_API_KEY"),
        key_formats=(_ZHIPU_KEY,),
        key_check_path="/models",
        docs_url="https://docs.z.ai/guides/overview/pricing",
        prefix_families=("zai", "z.ai"),
    ),
    ProviderInfo(
        slug="zai-coding",
        name="Z.ai Coding Plan",
        protocol=Protocol.OPENAI,
        base_url="https://api.z.ai/api/coding/paas/v4",
        aliases=("zai-coding-plan", "z.ai-coding", "glm-coding", "glm-coding-plan"),
        env_vars=("ZAI_API_KEY", "ZHIPU_API_KEY"),
        key_formats=(_ZHIPU_KEY,),
        key_check_path="/models",
        docs_url="https://docs.z.ai/devpack/overview",
    ),
    ProviderInfo(
        slug="qwen",
        name="Qwen (Alibaba DashScope)",
        protocol=Protocol.OPENAI,
        base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
        aliases=("dashscope", "alibaba", "bailian"),
        env_vars=("DASHSCOPE_API_KEY", "QWEN_API_KEY"),
        key_formats=(KeyFormat(r"sk-[0-9a-f]{32}", "DashScope key (sk- + 32 hex)"),),
        key_check_path="/models",
        docs_url="https://www.alibabacloud.com/help/en/model-studio/models",
        prefix_families=("qwen", "dashscope"),
    ),
    ProviderInfo(
        slug="nvidia",
        name="NVIDIA NIM",
        protocol=Protocol.OPENAI,
        base_url="https://integrate.api.nvidia.com/v1",
        aliases=("nvidia-nim", "nim"),
        env_vars=("NVIDIA_API_KEY", "NVIDIA_NIM_API_KEY"),
        key_formats=(KeyFormat(r"nvapi-[A-Za-z0-9_-]{64}", "NVIDIA key (nvapi- + 64 chars)"),),
        key_check_path="/models",
        docs_url="https://docs.api.nvidia.com/nim/",
    ),
    ProviderInfo(
        slug="huggingface",
        name="Hugging Face",
        protocol=Protocol.OPENAI,
        base_url="https://router.huggingface.co/v1",
        aliases=("hf", "hugging-face"),
        env_vars=("HF_TOKEN", "HUGGINGFACE_API_KEY", "HUGGING_FACE_HUB_TOKEN"),
        key_formats=(KeyFormat(r"hf_[a-zA-Z]{34}", "Hugging Face token (hf_ + 34 letters)"),),
        key_check_path="/models",
        docs_url="https://huggingface.co/docs/inference-providers",
    ),
    ProviderInfo(
        slug="venice",
        name="Venice AI",
        protocol=Protocol.OPENAI,
        base_url="https://api.venice.ai/api/v1",
        aliases=("venice-ai",),
        env_vars=("VENICE_API_KEY",),
        key_check_path="/models",
        docs_url="https://docs.venice.ai",
    ),
    ProviderInfo(
        slug="cohere",
        name="Cohere",
        protocol=Protocol.OPENAI,
        base_url="https://api.cohere.ai/compatibility/v1",
        env_vars=("COHERE_API_KEY", "CO_API_KEY"),
        key_formats=(KeyFormat(r"[a-zA-Z0-9]{40}", "Cohere key (40 letters and digits)"),),
        key_check_path="/models",
        docs_url="https://docs.cohere.com/docs/compatibility-api",
    ),
    ProviderInfo(
        slug="minimax",
        name="MiniMax",
        protocol=Protocol.OPENAI,
        base_url="https://api.minimax.io/v1",
        env_vars=("MINIMAX_API_KEY",),
        key_check_path=None,
        docs_url="https://platform.minimax.io/docs",
        prefix_families=("minimax",),
    ),
    ProviderInfo(
        slug="volcengine",
        name="Volcengine Ark (Doubao)",
        protocol=Protocol.OPENAI,
        base_url="https://ark.cn-beijing.volces.com/api/v3",
        aliases=("doubao", "ark", "volcano", "bytedance"),
        env_vars=("ARK_API_KEY", "VOLCENGINE_API_KEY", "DOUBAO_API_KEY"),
        key_formats=(
            KeyFormat(
                r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                "Ark API key (a UUID)",
            ),
        ),
        key_check_path="/models",
        docs_url="https://www.volcengine.com/docs/82379",
        prefix_families=("doubao", "volcengine"),
    ),
    ProviderInfo(
        slug="azure-openai",
        name="Azure OpenAI",
        protocol=Protocol.AZURE_OPENAI,
        # A placeholder: every Azure resource has its own host; set [providers.azure-openai]
        # base_url = "https://NAME.openai.azure.com" (and api_version) in the config.
        base_url="https://YOUR-RESOURCE.openai.azure.com",
        aliases=("azure", "azureopenai"),
        env_vars=("AZURE_OPENAI_API_KEY",),
        key_formats=(
            KeyFormat(r"[0-9a-f]{32}", "Azure key (32 hex, legacy)"),
            KeyFormat(r"[A-Za-z0-9]{84}", "Azure key (84 letters and digits)"),
        ),
        key_check_path="/openai/models",
        docs_url="https://learn.microsoft.com/azure/ai-services/openai/reference",
    ),
    ProviderInfo(
        slug="bedrock",
        name="Amazon Bedrock",
        protocol=Protocol.BEDROCK,
        # {region} is filled from [providers.bedrock] region, AWS_REGION or the AWS profile;
        # base_url in the config replaces the whole address (VPC endpoint, loopback stand-in).
        base_url="https://bedrock-runtime.{region}.amazonaws.com",
        aliases=("amazon-bedrock", "aws-bedrock", "aws"),
        env_vars=("AWS_BEARER_TOKEN_BEDROCK",),
        # No Bedrock API key: requests are SigV4-signed from the AWS credential chain.
        auth_kinds=(AuthKind.API_KEY, AuthKind.NONE),
        key_formats=(
            KeyFormat(r"ABSK[A-Za-z0-9+/=]{20,}", "Bedrock long-term API key (ABSK…)"),
            KeyFormat(r"bedrock-api-key-[A-Za-z0-9+/=_-]{20,}", "Bedrock short-term API key"),
        ),
        docs_url="https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference.html",
    ),
    ProviderInfo(
        slug="vertex",
        name="Google Vertex AI (Gemini)",
        protocol=Protocol.VERTEX,
        # {location} is filled from [providers.vertex] location or GOOGLE_CLOUD_LOCATION
        # (default us-central1; "global" uses aiplatform.googleapis.com).
        base_url="https://{location}-aiplatform.googleapis.com",
        aliases=("google-vertex", "vertex-ai", "vertexai"),
        # An access token (`gcloud auth print-access-token`), as Terraform's google provider
        # reads it; without one, a token comes from Application Default Credentials.
        env_vars=("GOOGLE_OAUTH_ACCESS_TOKEN",),
        auth_kinds=(AuthKind.OAUTH_TOKEN, AuthKind.NONE),
        key_formats=(_GOOGLE_ACCESS_TOKEN,),
        docs_url="https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference",
    ),
    ProviderInfo(
        slug="vertex-anthropic",
        name="Google Vertex AI (Claude)",
        protocol=Protocol.VERTEX_ANTHROPIC,
        base_url="https://{location}-aiplatform.googleapis.com",
        aliases=("google-vertex-anthropic", "vertex-claude"),
        env_vars=("GOOGLE_OAUTH_ACCESS_TOKEN",),
        auth_kinds=(AuthKind.OAUTH_TOKEN, AuthKind.NONE),
        key_formats=(_GOOGLE_ACCESS_TOKEN,),
        docs_url="https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude",
    ),
    ProviderInfo(
        slug="ollama",
        name="Ollama",
        protocol=Protocol.OLLAMA,
        base_url="http://localhost:11434",
        env_vars=("OLLAMA_API_KEY",),
        auth_kinds=_LOCAL,
        key_check_path="/api/tags",
        local=True,
        default_port=11434,
        docs_url="https://github.com/ollama/ollama/blob/main/docs/api.md",
    ),
    ProviderInfo(
        slug="lmstudio",
        name="LM Studio",
        protocol=Protocol.OPENAI,
        base_url="http://127.0.0.1:1234/v1",
        aliases=("lm-studio", "lm_studio"),
        env_vars=("LMSTUDIO_API_KEY", "LM_STUDIO_API_KEY"),
        auth_kinds=_LOCAL,
        key_check_path="/models",
        local=True,
        default_port=1234,
        docs_url="https://lmstudio.ai/docs/app/api",
    ),
    ProviderInfo(
        slug="llamacpp",
        name="llama.cpp server",
        protocol=Protocol.OPENAI,
        base_url="http://localhost:8080/v1",
        aliases=("llama.cpp", "llama-cpp", "llama_cpp", "llama-server"),
        env_vars=("LLAMACPP_API_KEY", "LLAMA_API_KEY"),
        auth_kinds=_LOCAL,
        key_check_path="/models",
        local=True,
        default_port=8080,
        docs_url="https://github.com/ggml-org/llama.cpp/tree/master/tools/server",
    ),
    ProviderInfo(
        slug="vllm",
        name="vLLM",
        protocol=Protocol.OPENAI,
        base_url="http://localhost:8000/v1",
        env_vars=("VLLM_API_KEY",),
        auth_kinds=_LOCAL,
        key_check_path="/models",
        local=True,
        default_port=8000,
        docs_url="https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
    ),
    ProviderInfo(
        # A LiteLLM proxy. ``litellm/openai/gpt-4o`` sends model ``openai/gpt-4o``: the proxy
        # routes on the name exactly as its own config lists it (``model_name``), so
        # everything after our prefix is passed through unchanged.
        slug="litellm",
        name="LiteLLM proxy",
        protocol=Protocol.OPENAI,
        base_url="http://localhost:4000/v1",
        aliases=("litellm-proxy",),
        env_vars=("LITELLM_API_KEY", "LITELLM_MASTER_KEY"),
        auth_kinds=_LOCAL,
        key_formats=(KeyFormat(r"sk-[A-Za-z0-9_-]{8,}", "LiteLLM master/virtual key (sk-…)"),),
        key_check_path="/models",
        local=True,
        default_port=4000,
        docs_url="https://docs.litellm.ai/docs/simple_proxy",
    ),
    ProviderInfo(
        slug="sim",
        name="Simulated (OpenAI wire format)",
        protocol=Protocol.OPENAI,
        base_url="/openai/v1",
        aliases=("sim-openai", "simulated"),
        auth_kinds=_NONE,
        key_check_path="/models",
        simulated=True,
    ),
    ProviderInfo(
        slug="sim-anthropic",
        name="Simulated (Anthropic wire format)",
        protocol=Protocol.ANTHROPIC,
        base_url="/anthropic",
        auth_kinds=_NONE,
        key_check_path="/v1/models",
        simulated=True,
    ),
    ProviderInfo(
        slug="sim-gemini",
        name="Simulated (Gemini wire format)",
        protocol=Protocol.GEMINI,
        base_url="/gemini",
        auth_kinds=_NONE,
        key_check_path="/v1beta/models",
        simulated=True,
    ),
    ProviderInfo(
        slug="sim-ollama",
        name="Simulated (Ollama wire format)",
        protocol=Protocol.OLLAMA,
        base_url="/ollama",
        auth_kinds=_NONE,
        key_check_path="/api/tags",
        simulated=True,
    ),
)
"""Every built-in provider, in display order (remote, local, simulated)."""

AD_HOC_PROVIDERS: dict[str, ProviderInfo] = {
    "custom": ProviderInfo(
        slug="custom",
        name="Custom OpenAI-compatible endpoint",
        protocol=Protocol.OPENAI,
        base_url="",
        auth_kinds=_LOCAL,
        env_vars=("CUSTOM_API_KEY",),
        key_check_path="/models",
    ),
    "anthropic-custom": ProviderInfo(
        slug="anthropic-custom",
        name="Custom Anthropic-compatible endpoint",
        protocol=Protocol.ANTHROPIC,
        base_url="",
        auth_kinds=_LOCAL,
        env_vars=("ANTHROPIC_CUSTOM_API_KEY",),
        key_check_path="/v1/models",
    ),
}
"""Templates of the ``custom:URL#model`` and ``anthropic-custom:URL#model`` providers."""


# --- simulated models ---------------------------------------------------------------------

# Tiny fake prices so the cost column shows something while staying obviously synthetic.
_SIM_PRICES = Prices(input=0.10, output=0.40, cache_read=0.01, cache_write=0.125, reasoning=0.40)

_SIM_THINKING: dict[str, ThinkingOptions] = {
    "sim": ThinkingOptions(style="effort", efforts=("minimal", "low", "medium", "high")),
    "sim-anthropic": ThinkingOptions(style="budget", budget_min=1024, budget_max=32000),
    "sim-gemini": ThinkingOptions(style="budget", budget_min=0, budget_max=24576, default_on=True),
    "sim-ollama": ThinkingOptions(style="toggle", default_on=False),
}


STYLE_PARAM = "style"
"""The simulated-model parameter naming a catalog variant (``thinker?style=level``)."""


def _sim_models(slug: str) -> list[ModelInfo]:
    def model(
        model_id: str,
        name: str,
        *,
        tools: bool = False,
        vision: bool = False,
        thinking: ThinkingOptions | None = None,
    ) -> ModelInfo:
        return ModelInfo(
            provider=slug,
            id=model_id,
            name=name,
            context_window=128_000,
            max_output=16_384,
            tools=tools,
            vision=vision,
            thinking=thinking is not None,
            thinking_options=thinking or ThinkingOptions(),
            prices=_SIM_PRICES,
        )

    models = [
        model("echo", "Echo (repeats the prompt)"),
        model("lorem", "Lorem ipsum (long text)"),
        model("thinker", "Thinker (reasons first)", thinking=_SIM_THINKING[slug]),
        model("tools", "Tools (calls the offered tools)", tools=True),
        model("vision", "Vision (describes images)", vision=True),
    ]
    # Extra thinking styles as variants of ``thinker``: the simulator ignores the ``style``
    # parameter and serves ``thinker``; the catalog gives the variant its own controls.
    if slug == "sim-gemini":
        level = ThinkingOptions(
            style="level", efforts=("minimal", "low", "medium", "high"), can_disable=False
        )
        models.append(
            model(f"thinker?{STYLE_PARAM}=level", "Thinker (Gemini 3 levels)", thinking=level)
        )
    if slug == "sim-anthropic":
        adaptive = ThinkingOptions(style="adaptive", efforts=("low", "medium", "high", "max"))
        models.append(
            model(f"thinker?{STYLE_PARAM}=adaptive", "Thinker (adaptive effort)", thinking=adaptive)
        )
    return models


SIM_MODELS: dict[str, list[ModelInfo]] = {
    p.slug: _sim_models(p.slug) for p in PROVIDERS if p.simulated
}
"""The simulated providers' models, defined here rather than generated."""
