"""``/api/messaging/jobs``: send one prompt to an agent and poll for its answer (reference §8.8, §10.46 fixed)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ...types import DEFAULT_SERVER_ID, new_uuid, now_ms
from ..deps import ServerDep, check_uuid
from ..dispatch import UserMessage, accept, hand_to_agents
from ..jobs import Job
from ..responses import ApiError, ok
from ..schemas import CreateJobBody
from ._conversations import private_channel

router = APIRouter(prefix="/api/messaging/jobs", tags=["jobs"])


@router.get("/health")
async def jobs_health(server: ServerDep) -> Response:
    jobs = server.jobs.all()
    return ok({"healthy": True, "totalJobs": len(jobs), "statusCounts": server.jobs.counts(), "timestamp": now_ms()})


@router.get("")
async def list_jobs(server: ServerDep) -> Response:
    jobs = [job.to_json() for job in server.jobs.all()]
    return ok({"jobs": jobs, "total": len(jobs)})


@router.post("", status_code=201)
async def create_job(body: CreateJobBody, server: ServerDep) -> Response:
    agent_id = body.agent_id or next(iter(server.runtimes), None)
    if agent_id is None or server.get_runtime(agent_id) is None:
        raise ApiError(404, "AGENT_NOT_FOUND", f"agent {agent_id or '(none running)'} is not running")
    job_id = new_uuid()
    channel = await private_channel(server, "job", job_id, agent_id, body.user_id)
    job = Job(
        id=job_id,
        agent_id=agent_id,
        user_id=body.user_id,
        channel_id=channel.id,
        prompt=body.content,
        timeout_ms=body.timeout_ms,
        metadata=body.metadata,
    )
    server.jobs.add(job)
    message = UserMessage(
        channel_id=channel.id,
        server_id=DEFAULT_SERVER_ID,
        author_id=body.user_id,
        text=body.content,
        source_type="job",
        metadata={**body.metadata, "jobId": job_id},
    )
    try:
        stored = await accept(server, message)
    except ApiError as exc:
        server.jobs.fail(job_id, exc.message)
        raise
    hand_to_agents(server, stored, message)
    return ok(
        {"jobId": job.id, "status": str(job.status), "createdAt": job.created_at, "expiresAt": job.expires_at}, 201
    )


@router.get("/{job_id}")
async def get_job(job_id: str, server: ServerDep) -> Response:
    check_uuid(job_id, "jobId")
    job = server.jobs.get(job_id)
    if job is None:
        raise ApiError(404, "JOB_NOT_FOUND", f"job {job_id} not found")
    return ok(job.to_json())
