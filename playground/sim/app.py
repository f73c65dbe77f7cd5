"""The simulator's ASGI application: every family's routes on one port, plus introspection.

Routes (family base URLs follow each official SDK's convention)::

    POST /openai/v1/chat/completions          GET /openai/v1/models
    POST /openai/v1/responses                 (the Responses API, streamed or not)
    POST /anthropic/v1/messages               GET /anthropic/v1/models
    POST /gemini/v1beta/models/{m}:streamGenerateContent?alt=sse   (and :generateContent)
                                              GET /gemini/v1beta/models   (v1 too)
    POST /ollama/api/chat                     GET /ollama/api/tags
    POST /bedrock/model/{id}/converse-stream  (and /converse; AWS event-stream framing)
                                              GET /bedrock/async-invoke   (live check)
    POST /vertex/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:streamGenerateContent
    POST /vertex/v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:streamRawPredict
                                              GET /vertex/v1/projects/{p}/locations/{l}/endpoints
    GET  /_sim/requests                       POST /_sim/reset

Fault parameters come from the model id (``echo?fail=429``) or, for SDKs that validate model
names, from an ``x-sim-fault: fail=429&retry_after=1`` request header.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from playground.sim.conversation import Conversation
from playground.sim.embedded import SIM_BASE_PATHS
from playground.sim.families.anthropic import AnthropicFamily
from playground.sim.families.base import BadRequest, ErrorReply, Exchange, Family, dumps
from playground.sim.families.bedrock import BedrockFamily
from playground.sim.families.gemini import GeminiFamily
from playground.sim.families.ollama import OllamaFamily
from playground.sim.families.openai import OpenAIFamily
from playground.sim.families.openai_responses import OpenAIResponsesFamily
from playground.sim.families.vertex import VertexAnthropicFamily, VertexGeminiFamily
from playground.sim.faults import FaultSchedule
from playground.sim.params import (
    FAULT_HEADER,
    HTTP_FAULTS,
    MODEL_NAMES,
    SimParamError,
    SimParams,
    parse_model_id,
)
from playground.sim.request_log import RequestLog
from playground.sim.scripts import build_script
from playground.sim.streaming import DelayedReply, PacedStream, StreamFault

_GEMINI_METHODS = ("streamGenerateContent", "generateContent")
_RAW_PREDICT_METHODS = ("streamRawPredict", "rawPredict")


def _json_response(status: int, body: Any, headers: dict[str, str]) -> Response:
    return Response(dumps(body).encode(), status, headers, media_type="application/json")


class SimServer:
    """The state behind one simulator app: fault counters, the request log, the families."""

    def __init__(self) -> None:
        self.faults = FaultSchedule()
        self.log = RequestLog()
        self.openai = OpenAIFamily()
        self.openai_responses = OpenAIResponsesFamily()
        self.anthropic = AnthropicFamily()
        self.gemini = GeminiFamily()
        self.ollama = OllamaFamily()
        self.bedrock = BedrockFamily()
        self.vertex = VertexGeminiFamily()
        self.vertex_anthropic = VertexAnthropicFamily()

    # ---- generation ------------------------------------------------------------------------

    async def _generate(
        self,
        request: Request,
        family: Family,
        model_id: str | None = None,
        stream: bool | None = None,
        options: dict[str, Any] | None = None,
    ) -> Any:
        raw = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        query = dict(request.query_params)
        credential = family.credential(headers, query)
        try:
            body = json.loads(raw) if raw.strip() else {}
            parse_problem = (
                None if isinstance(body, dict) else "the request body must be a JSON object"
            )
        except ValueError as exc:
            body, parse_problem = {}, f"the request body is not valid JSON: {exc}"
        if model_id is None:
            model_id = str(body.get("model") or "") if isinstance(body, dict) else ""
        exchange = Exchange(
            model_id=model_id,
            request_id=uuid.uuid4().hex[:24],
            created=int(time.time()),
            body=body if isinstance(body, dict) else {},
            credential=credential,
            headers=headers,
            options=options or {},
        )
        entry = self.log.record(
            family=family.name,
            method=request.method,
            path=request.url.path,
            model=model_id or None,
            credential=credential,
            body=exchange.body,
        )
        base_headers = family.response_headers(exchange)

        def fail(reply: ErrorReply, fault: str | None = None) -> Response:
            entry["status"], entry["fault"] = reply.status, fault
            return _json_response(reply.status, reply.body, {**base_headers, **reply.headers})

        if (auth := family.auth_error(exchange)) is not None:
            return fail(auth)
        if parse_problem is not None:
            return fail(family.error("400", exchange, detail=parse_problem))
        try:
            params = parse_model_id(model_id, headers.get(FAULT_HEADER))
        except SimParamError as exc:
            return fail(family.error("400", exchange, detail=str(exc)))
        try:
            conv = family.parse(exchange.body)
        except BadRequest as exc:
            if not params.known_model and model_id:
                return fail(family.error("404", exchange))
            return fail(family.error("400", exchange, detail=str(exc)))
        if not params.known_model:
            return fail(family.error("404", exchange))
        fault = self.faults.fault_for(family.name, params, credential)
        if fault in HTTP_FAULTS:
            detail = str(conv.input_tokens) if fault == "400ctx" else ""
            return fail(
                family.error(fault, exchange, retry_after=params.retry_after, detail=detail), fault
            )
        wants_stream = family.wants_stream(exchange.body) if stream is None else stream
        answer = self._answer(family, exchange, params, conv, fault, wants_stream, base_headers)
        entry["status"] = answer.status if isinstance(answer, DelayedReply) else 200
        entry["fault"] = fault
        return answer

    def _answer(
        self,
        family: Family,
        exchange: Exchange,
        params: SimParams,
        conv: Conversation,
        fault: str | None,
        stream: bool,
        headers: dict[str, str],
    ) -> PacedStream | DelayedReply:
        exchange.options = {**exchange.options, "noise": params.noise}
        script = build_script(params, conv)
        ttft_s = params.ttft_ms / 1000
        if not stream:
            generation_s = script.output_tokens / params.tps if params.tps > 0 else 0.0
            if fault == "midstream_error":
                reply = family.error("midstream", exchange)
                body, status = dumps(reply.body).encode(), reply.status
            else:
                body, status = dumps(family.complete(script, exchange)).encode(), 200
            if fault == "malformed":
                body = body[: len(body) // 2]
            return DelayedReply(
                body,
                status=status,
                headers=headers,
                delay_s=ttft_s + generation_s,
                stall=fault == "stall",
                cut=fault == "cutoff",
            )
        stream_fault = None
        if fault is not None:
            total = script.streamed_tokens
            if fault == "stall":
                after = params.after if params.after is not None else -1
            else:
                after = min(params.after if params.after is not None else max(1, total // 2), total)
            payload = b""
            if fault == "midstream_error":
                payload = family.stream_error_event(exchange)
            elif fault == "malformed":
                payload = family.malformed_chunk(exchange)
            stream_fault = StreamFault(fault, after, payload)
        return PacedStream(
            family.frames(script, exchange),
            media_type=family.stream_content_type(exchange),
            headers=headers,
            tps=params.tps,
            ttft_s=ttft_s,
            total_tokens=script.streamed_tokens,
            fault=stream_fault,
        )

    # ---- model lists ---------------------------------------------------------------------------

    async def _models(self, request: Request, family: Family) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        credential = family.credential(headers, dict(request.query_params))
        exchange = Exchange("", uuid.uuid4().hex[:24], int(time.time()), {}, credential, headers)
        entry = self.log.record(
            family=family.name,
            method=request.method,
            path=request.url.path,
            model=None,
            credential=credential,
            body=None,
        )
        base_headers = family.response_headers(exchange)
        auth = family.auth_error(exchange)
        if auth is not None:
            entry["status"] = auth.status
            return _json_response(auth.status, auth.body, {**base_headers, **auth.headers})
        entry["status"] = 200
        return _json_response(200, family.model_list(MODEL_NAMES), base_headers)

    # ---- route handlers ------------------------------------------------------------------------

    async def openai_chat(self, request: Request) -> Any:
        return await self._generate(request, self.openai)

    async def openai_responses_create(self, request: Request) -> Any:
        return await self._generate(request, self.openai_responses)

    async def openai_models(self, request: Request) -> Response:
        return await self._models(request, self.openai)

    async def anthropic_messages(self, request: Request) -> Any:
        return await self._generate(request, self.anthropic)

    async def anthropic_models(self, request: Request) -> Response:
        return await self._models(request, self.anthropic)

    async def gemini_models(self, request: Request) -> Response:
        return await self._models(request, self.gemini)

    async def gemini_generate(self, request: Request) -> Any:
        target = request.path_params["target"]
        query_string = request.url.query
        model_id, method = _split_gemini_target(target, query_string)
        if method is None:
            exchange = Exchange(model_id, uuid.uuid4().hex[:24], int(time.time()), {})
            reply = self.gemini.error("404", exchange)
            return _json_response(reply.status, reply.body, dict(reply.headers))
        stream = method == "streamGenerateContent"
        options = {"sse": "alt=sse" in query_string}
        return await self._generate(
            request, self.gemini, model_id=model_id, stream=stream, options=options
        )

    async def ollama_chat(self, request: Request) -> Any:
        return await self._generate(request, self.ollama)

    async def ollama_tags(self, request: Request) -> Response:
        return await self._models(request, self.ollama)

    async def ollama_version(self, request: Request) -> Response:
        return _json_response(200, {"version": "0.12.0-sim"}, {})

    async def bedrock_model(self, request: Request) -> Any:
        target = request.path_params["target"]
        for suffix, stream in (("/converse-stream", True), ("/converse", False)):
            if target.endswith(suffix):
                model_id = target[: -len(suffix)]
                return await self._generate(request, self.bedrock, model_id=model_id, stream=stream)
        exchange = Exchange(target, uuid.uuid4().hex[:24], int(time.time()), {})
        reply = self.bedrock.error("404", exchange)
        return _json_response(reply.status, reply.body, dict(reply.headers))

    async def vertex_model(self, request: Request) -> Any:
        """Both Vertex publishers: Gemini methods for ``google``, rawPredict for ``anthropic``."""
        query_string = request.url.query
        publisher = request.path_params["publisher"]
        family: Family = self.vertex_anthropic if publisher == "anthropic" else self.vertex
        methods = _RAW_PREDICT_METHODS if publisher == "anthropic" else _GEMINI_METHODS
        target = request.path_params["target"]
        model_id, method = _split_gemini_target(target, query_string, methods)
        if publisher not in ("google", "anthropic"):
            method = None
        stream = method in ("streamGenerateContent", "streamRawPredict")
        options = {"sse": "alt=sse" in query_string} if publisher == "google" else {}
        if method is None:
            exchange = Exchange(model_id, uuid.uuid4().hex[:24], int(time.time()), {})
            reply = family.error("404", exchange)
            return _json_response(reply.status, reply.body, dict(reply.headers))
        return await self._generate(
            request, family, model_id=model_id, stream=stream, options=options
        )

    async def bedrock_async_invokes(self, request: Request) -> Response:
        """ListAsyncInvokes (the doctor's live check): the key is checked, nothing is running."""
        checked = await self._models(request, self.bedrock)
        if checked.status_code != 200:
            return checked
        return _json_response(200, {"asyncInvokeSummaries": []}, {})

    async def vertex_endpoints(self, request: Request) -> Response:
        return await self._models(request, self.vertex)

    async def sim_requests(self, request: Request) -> Response:
        return _json_response(200, {"requests": self.log.entries()}, {})

    async def sim_reset(self, request: Request) -> Response:
        self.log.clear()
        self.faults.reset()
        return _json_response(200, {"reset": True}, {})

    async def index(self, request: Request) -> Response:
        return _json_response(
            200,
            {
                "name": "playground simulated provider",
                "models": list(MODEL_NAMES),
                "base_urls": _base_urls(request),
            },
            {},
        )


def _base_urls(request: Request) -> dict[str, str]:
    root = str(request.base_url).rstrip("/")
    return {family: root + path for family, path in SIM_BASE_PATHS.items()}


async def _no_route(request: Request, exc: Exception) -> Response:
    """A JSON 404 for a path no family serves, naming the base URLs so a misconfigured client
    says what to fix (LiteLLM's Gemini ``api_base`` includes the API version, for one)."""
    bases = " · ".join(f"{family} {url}" for family, url in _base_urls(request).items())
    message = (
        f"The simulator has no route {request.method} {request.url.path}. Base URLs: {bases}"
        f" (a Gemini client whose base URL carries the version, like LiteLLM's api_base, "
        f"takes {_base_urls(request)['gemini']}/v1beta)."
    )
    body = {"error": {"code": 404, "message": message, "status": "NOT_FOUND"}}
    return _json_response(404, body, {})


def _split_gemini_target(
    target: str, query_string: str, methods: tuple[str, ...] = _GEMINI_METHODS
) -> tuple[str, str | None]:
    """``echo?tps=0:streamGenerateContent`` → (``echo?tps=0``, ``streamGenerateContent``).

    Clients percent-encode the model segment, so ``?`` arrives inside the path. A client that
    did not encode it puts the parameters and the method into the query string instead; both
    are understood.
    """
    for candidate in (target, f"{target}?{query_string}"):
        for method in methods:
            marker = f":{method}"
            index = candidate.rfind(marker)
            if index > 0 and candidate[index + len(marker) :][:1] in ("", "?", "&"):
                return candidate[:index], method
    return target, None


def create_app() -> Starlette:
    """A fresh simulator application with its own counters and request log."""
    server = SimServer()
    routes = [
        Route("/", server.index, methods=["GET"]),
        Route("/openai/v1/chat/completions", server.openai_chat, methods=["POST"]),
        Route("/openai/v1/responses", server.openai_responses_create, methods=["POST"]),
        Route("/openai/v1/models", server.openai_models, methods=["GET"]),
        Route("/anthropic/v1/messages", server.anthropic_messages, methods=["POST"]),
        Route("/anthropic/v1/models", server.anthropic_models, methods=["GET"]),
        # The Gemini API serves both versions; google-genai with a custom base URL uses v1.
        *(
            route
            for version in ("v1beta", "v1")
            for route in (
                Route(f"/gemini/{version}/models", server.gemini_models, methods=["GET"]),
                Route(
                    f"/gemini/{version}/models/{{target:path}}",
                    server.gemini_generate,
                    methods=["POST"],
                ),
            )
        ),
        Route("/ollama/api/chat", server.ollama_chat, methods=["POST"]),
        Route("/ollama/api/tags", server.ollama_tags, methods=["GET"]),
        Route("/ollama/api/version", server.ollama_version, methods=["GET"]),
        Route("/bedrock/model/{target:path}", server.bedrock_model, methods=["POST"]),
        Route("/bedrock/async-invoke", server.bedrock_async_invokes, methods=["GET"]),
        *(
            route
            for version in ("v1", "v1beta1")
            for route in (
                Route(
                    f"/vertex/{version}/projects/{{project}}/locations/{{location}}/publishers/"
                    "{publisher:str}/models/{target:path}",
                    server.vertex_model,
                    methods=["POST"],
                ),
                Route(
                    f"/vertex/{version}/projects/{{project}}/locations/{{location}}/endpoints",
                    server.vertex_endpoints,
                    methods=["GET"],
                ),
            )
        ),
        Route("/_sim/requests", server.sim_requests, methods=["GET"]),
        Route("/_sim/reset", server.sim_reset, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={404: _no_route})
    app.state.sim = server
    return app
