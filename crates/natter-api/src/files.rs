//! Uploads and downloads of the files behind media messages: a device uploads with its token,
//! the app backend with the manager token, and anyone holding a file's link downloads it.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use natter_core::Error;
use natter_core::files::ImageVariant;
use natter_core::wire::{DeleteFilesRequest, ErrorBody, StatusOk, UploadedFile};
use serde::Deserialize;
use tower::ServiceExt;
use tower_http::services::ServeFile;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientUser, JsonBody, ManagerOnly, PathParam, QueryParams};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_as_user))
        .routes(routes!(upload_as_app))
        .routes(routes!(delete_files))
        .routes(routes!(download))
}

/// The paths that take an upload's body: the request timeout does not apply to them (a large
/// file on a slow link takes long); a pause in the bytes does ([`natter_service::Uploads`]).
pub(crate) fn is_upload(path: &str) -> bool {
    matches!(path, "/v1/files" | "/files")
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// The file's name (`photo.jpg`), percent-encoded: kept for the download, whose type a
    /// browser takes from its extension. At most 255 bytes; `/`, `\` and control characters
    /// become `_`.
    name: String,
}

/// Upload a file
///
/// Stores the request body as a file and answers where it is served, for an image, file, audio
/// or video message's payload (what the client SDK's `createImageMessage` and the like do
/// before sending). Send the raw bytes, with their `Content-Type`; the file's link is readable
/// by anyone who has it, without a token. Files stay when messages are deleted or recalled.
#[utoipa::path(post, path = "/v1/files", tag = "client", operation_id = "uploadFile",
    params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The file's bytes, any content type."),
    responses(
        (status = 200, description = "The file, stored.", body = UploadedFile),
        (status = 400, description = "`invalid_argument` (40001): no name, a name over 255 bytes, an empty body, or bytes that stopped arriving.", body = ErrorBody),
        (status = 413, description = "`payload_too_large` (41301): larger than the server takes (`--max-upload-bytes`, 100 MiB by default).", body = ErrorBody),
    ))]
async fn upload_as_user(
    State(state): State<AppState>,
    ClientUser(device): ClientUser,
    QueryParams(query): QueryParams<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<UploadedFile>> {
    upload(&state, device.uid.as_str(), &query, &headers, body).await
}

/// Upload a file as the app backend
///
/// `POST /v1/files` for the app backend, to send media messages through `/message/send`.
#[utoipa::path(post, path = "/files", tag = "server", operation_id = "uploadFileAsApp",
    params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The file's bytes, any content type."),
    responses(
        (status = 200, description = "The file, stored.", body = UploadedFile),
        (status = 400, description = "`invalid_argument` (40001): no name, a name over 255 bytes, an empty body, or bytes that stopped arriving.", body = ErrorBody),
        (status = 413, description = "`payload_too_large` (41301): larger than the server takes (`--max-upload-bytes`, 100 MiB by default).", body = ErrorBody),
    ))]
async fn upload_as_app(
    State(state): State<AppState>,
    _: ManagerOnly,
    QueryParams(query): QueryParams<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<UploadedFile>> {
    upload(&state, "the app backend", &query, &headers, body).await
}

async fn upload(
    state: &AppState,
    uploader: &str,
    query: &UploadQuery,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<Json<UploadedFile>> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let stored = state
        .uploads
        .upload(uploader, &query.name, content_type, body.into_data_stream())
        .await?;
    Ok(Json(stored))
}

/// Delete files
///
/// The app backend removes files for good (an abusive upload, say): their links answer 404
/// from then on, though a copy a browser or a proxy cached may live on. The messages that link
/// to them stay. IDs of no file are passed over.
#[utoipa::path(post, path = "/files/delete", tag = "server", operation_id = "deleteFiles",
    request_body = DeleteFilesRequest,
    responses(
        (status = 200, description = "The files are gone.", body = StatusOk),
        (status = 400, description = "`invalid_argument` (40001): no or more than 100 IDs, or one that is not a file ID.", body = ErrorBody),
    ))]
async fn delete_files(
    State(state): State<AppState>,
    _: ManagerOnly,
    JsonBody(request): JsonBody<DeleteFilesRequest>,
) -> ApiResult<Json<StatusOk>> {
    state.uploads.remove(&request.file_ids).await?;
    Ok(Json(StatusOk::default()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DownloadQuery {
    /// `large` or `thumbnail`: for an image, a copy whose shorter side is 720 or 198 pixels
    /// (Tencent's sizes; an image already that small comes as it is), made on first request.
    /// Anything that is not an image this server reads (JPEG, PNG, GIF, WebP, BMP) comes as it
    /// is.
    variant: Option<String>,
}

/// Download a file
///
/// The file's bytes, with a content type from its name's extension, or a smaller copy of an
/// image (`variant`). `Range` requests are answered (video and audio players seek with them);
/// the answer may be cached for good, as a file never changes. A file is shown in a sandbox: an
/// HTML file runs no script.
#[utoipa::path(get, path = "/files/{fileID}/{name}", tag = "operations", operation_id = "downloadFile",
    params(
        ("fileID" = String, Path, description = "As the upload answered."),
        ("name" = String, Path, description = "As the upload answered."),
        DownloadQuery,
    ),
    responses(
        (status = 200, description = "The file, or the copy asked for.", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 206, description = "The part of it a `Range` header asked for."),
        (status = 400, description = "`invalid_argument` (40001): `variant` is not `large` or `thumbnail`.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): no such file.", body = ErrorBody),
    ))]
async fn download(
    State(state): State<AppState>,
    PathParam((id, name)): PathParam<(String, String)>,
    QueryParams(query): QueryParams<DownloadQuery>,
    request: Request,
) -> Response {
    let missing = || ApiError(Error::not_found(format!("file {id}/{name}: no such file")));
    let path = match query.variant.as_deref().map(ImageVariant::parse) {
        None => state.uploads.path(&id, &name),
        Some(Err(error)) => return ApiError(error).into_response(),
        Some(Ok(variant)) => match state.uploads.variant_path(&id, &name, variant).await {
            Ok(path) => path,
            Err(error) => return ApiError(error).into_response(),
        },
    };
    let Some(path) = path else {
        return missing().into_response();
    };
    let Ok(mut response) = ServeFile::new(path).oneshot(request).await;
    if response.status() == axum::http::StatusCode::NOT_FOUND {
        return missing().into_response();
    }
    let headers = response.headers_mut();
    // The file may be anything a user uploaded: from this origin, it must not run as a page.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response.into_response()
}
