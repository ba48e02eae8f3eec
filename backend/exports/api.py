"""Staff JSON API for exports: a round's responses as CSV, XLSX, SPSS `.sav` or Stata `.dta`,
and its codebook (HTML or XLSX). The same guards as the staff pages (staff only: partners are
refused), and the same entry in the audit trail for every file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import QueryParameter
from litestar.response import File, Response, Stream

from backend.exports.about import MEDIA_TYPES, ExportFormat
from backend.exports.codebook_html import codebook_html
from backend.exports.downloads import codebook_xlsx_response, export_response
from backend.exports.params import export_problems
from backend.exports.services import ExportRequest, codebook_for, language_of, prepare
from backend.i18n import Language
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.errors import invalid, refusals
from backend.web.params import Injected, PathId


def _file(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=bytes, media_type=MEDIA_TYPES["csv"], description=description, generate_examples=False
    )


def _file_operation(media_types: list[str]) -> type[Operation]:
    """An operation whose 200 lists each media type the route may send (one ResponseSpec names one)."""

    @dataclass
    class FileOperation(Operation):
        def __post_init__(self) -> None:
            ok = (self.responses or {}).get("200")
            if isinstance(ok, OpenAPIResponse):
                binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                ok.content = {media_type: OpenAPIMediaType(schema=binary) for media_type in media_types}

    return FileOperation


class ExportApiController(Controller):
    path = "/api/rounds"
    guards = [requires_staff]
    tags = ["exports"]

    @get(
        "/{round_id:int}/export",
        summary="A round's responses as a file",
        description=(
            "One row per force: CSV (UTF-8), XLSX, SPSS `.sav` or Stata `.dta`, with variable and value labels "
            "in the chosen language (docs/exports.md). Submitted responses; `drafts=true` adds drafts. "
            "Recorded in the audit trail. Staff only."
        ),
        responses={
            **refusals(401, 403, 404, 422),
            200: _file("The file, in the media type of its format"),
        },
        operation_class=_file_operation([MEDIA_TYPES[f] for f in ExportFormat]),
    )
    async def export(
        self,
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        format: Annotated[str, QueryParameter(description="csv, xlsx, sav or dta")] = "csv",
        lang: Annotated[
            str, QueryParameter(name="language", description="Labels in en, fr or es (questionnaire text falls back)")
        ] = "en",
        drafts: Annotated[bool, QueryParameter(description="Drafts too, not only submitted responses")] = False,
        values: Annotated[
            Literal["codes", "labels"], QueryParameter(description="CSV and XLSX: coded cells as codes or labels")
        ] = "codes",
    ) -> Stream | File:
        if problems := export_problems(format, lang, language):
            raise invalid(problems)
        prepared = await prepare(ExportRequest(round_id, format, lang, drafts, values == "labels"), viewer)
        if prepared is None:
            raise NotFoundException()
        return await export_response(prepared)

    @get(
        "/{round_id:int}/codebook",
        summary="A round's codebook",
        description=(
            "Every variable of the exports with its question, type, codes, missing values and condition, "
            "as HTML or XLSX, in the chosen language. Recorded in the audit trail. Staff only."
        ),
        responses={
            **refusals(401, 403, 404, 422),
            200: _file("The codebook, as HTML or XLSX"),
        },
        operation_class=_file_operation([MEDIA_TYPES["html"], MEDIA_TYPES["xlsx"]]),
    )
    async def codebook(
        self,
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        format: Annotated[str, QueryParameter(description="html or xlsx")] = "html",
        lang: Annotated[str, QueryParameter(name="language", description="en, fr or es")] = "en",
    ) -> Response[str] | File:
        if problems := export_problems(format, lang, language, codebook=True):
            raise invalid(problems)
        found = await codebook_for(round_id, lang, format, viewer)
        if found is None:
            raise NotFoundException()
        prepared, book = found
        if format == "xlsx":
            return codebook_xlsx_response(prepared)
        return Response(
            codebook_html(book, language_of(lang)),
            media_type="text/html; charset=utf-8",
            headers={"cache-control": "no-store"},
        )
