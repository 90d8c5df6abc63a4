#!/usr/bin/env python3
"""An independent client of the modempool gRPC API: Python's grpcio, with NO proto files.

Everything it knows about modempool's services it learns from the server itself through
gRPC server reflection (grpcio-reflection's client speaks v1alpha; v1 is asked too, by
hand): it lists the services, fetches the file descriptors of modempool.v1.Pool, builds the
request messages from them at run time and calls the methods with grpcio's generic
`channel.unary_unary`. Health is checked with grpcio-health-checking's own stubs.

Usage: reflection_client.py HOST:PORT

The server must be configured with the tokens `backend-token` (name "backend") and
`ops-token` (name "ops", admin), have at least 2 SIMs in stock, and a cool-down of 0.

Prints one line per check and exits 0 when every check passed; on the first failure it
prints `FAILED: <check>: <what was expected and what came>` to stderr and exits 1.
"""

import sys
import traceback

import grpc
from google.protobuf import descriptor_pool, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

POOL = "modempool.v1.Pool"
ADMIN = "modempool.v1.Admin"
HEALTH = "grpc.health.v1.Health"
BACKEND = (("authorization", "Bearer backend-token"),)
OPS = (("authorization", "Bearer ops-token"),)
# Every call is bounded: a server that hangs fails the check instead of the test's clock.
TIMEOUT = 20


class CheckFailed(Exception):
    pass


def expect(condition, what):
    if not condition:
        raise CheckFailed(what)


def ok(line):
    print(f"ok: {line}", flush=True)


class Reflected:
    """modempool's services as reflection describes them: message classes and callables."""

    def __init__(self, channel):
        self.channel = channel
        self.database = ProtoReflectionDescriptorDatabase(channel)
        self.pool = descriptor_pool.DescriptorPool(self.database)

    def service(self, name):
        try:
            return self.pool.FindServiceByName(name)
        except KeyError as error:
            raise CheckFailed(f"reflection has no descriptor for {name}: {error}") from None

    def message(self, full_name):
        return message_factory.GetMessageClass(self.pool.FindMessageTypeByName(full_name))

    def enum_value(self, enum_full_name, value_name):
        enum = self.pool.FindEnumTypeByName(enum_full_name)
        expect(
            value_name in enum.values_by_name,
            f"enum {enum_full_name} has no value {value_name}: "
            f"{sorted(enum.values_by_name)}",
        )
        return enum.values_by_name[value_name].number

    def method(self, service_name, method_name):
        """(request class, callable) of a unary method, from its descriptor only."""
        service = self.service(service_name)
        expect(
            method_name in service.methods_by_name,
            f"{service_name} has no method {method_name}: {sorted(service.methods_by_name)}",
        )
        method = service.methods_by_name[method_name]
        request_class = message_factory.GetMessageClass(method.input_type)
        response_class = message_factory.GetMessageClass(method.output_type)
        call = self.channel.unary_unary(
            f"/{service.full_name}/{method.name}",
            request_serializer=lambda message: message.SerializeToString(),
            response_deserializer=response_class.FromString,
        )
        return request_class, call


def call_fails(call, request, metadata, code, check):
    """Calls and returns the error, which must carry `code`."""
    try:
        response = call(request, metadata=metadata, timeout=TIMEOUT)
    except grpc.RpcError as error:
        expect(
            error.code() == code,
            f"{check}: expected {code.name}, got {error.code().name}: {error.details()}",
        )
        return error
    raise CheckFailed(f"{check}: expected {code.name}, got OK: {response}")


def call_ok(call, request, metadata, check):
    try:
        return call(request, metadata=metadata, timeout=TIMEOUT)
    except grpc.RpcError as error:
        raise CheckFailed(
            f"{check}: expected OK, got {error.code().name}: {error.details()}"
        ) from None


def services_over_v1(channel):
    """ListServices over reflection v1, by hand: v1's messages are v1alpha's on the wire."""
    info = channel.stream_stream(
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        request_serializer=lambda message: message.SerializeToString(),
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
    )
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    try:
        responses = list(info(iter([request]), timeout=TIMEOUT))
    except grpc.RpcError as error:
        raise CheckFailed(
            f"reflection v1 ListServices: {error.code().name}: {error.details()}"
        ) from None
    expect(len(responses) == 1, f"reflection v1: expected 1 answer, got {responses}")
    expect(
        responses[0].HasField("list_services_response"),
        f"reflection v1: expected a list of services, got {responses[0]}",
    )
    return sorted(s.name for s in responses[0].list_services_response.service)


def run(address):
    channel = grpc.insecure_channel(address)
    try:
        grpc.channel_ready_future(channel).result(timeout=TIMEOUT)
    except grpc.FutureTimeoutError:
        raise CheckFailed(f"could not connect to {address} within {TIMEOUT} s") from None
    ok(f"connected to {address}")

    # Reflection: the services, then Pool's descriptors (and those it imports).
    reflected = Reflected(channel)
    try:
        services = sorted(reflected.database.get_services())
    except grpc.RpcError as error:
        raise CheckFailed(
            f"reflection v1alpha ListServices: {error.code().name}: {error.details()}"
        ) from None
    for name in (POOL, ADMIN, HEALTH):
        expect(name in services, f"reflection v1alpha lists no {name}: {services}")
    # The simulator's control service lives on the simulator's endpoint, not here.
    expect(
        "modempool.v1.SimulatorControl" not in services,
        f"reflection lists a service this port does not serve: {services}",
    )
    ok(f"reflection v1alpha lists {', '.join(services)}")
    # Each reflection version lists itself and not the other; the rest must agree.
    services_v1 = services_over_v1(channel)

    def not_reflection(names):
        return [name for name in names if not name.startswith("grpc.reflection.")]

    expect(
        "grpc.reflection.v1.ServerReflection" in services_v1
        and not_reflection(services_v1) == not_reflection(services),
        f"reflection v1 lists {services_v1}, v1alpha {services}",
    )
    ok("reflection v1 lists the same services")
    pool_service = reflected.service(POOL)
    ok(
        f"{POOL} from {pool_service.file.name}: "
        f"{', '.join(sorted(pool_service.methods_by_name))}"
    )

    # 1. Health.
    health = health_pb2_grpc.HealthStub(channel)
    try:
        answer = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT)
    except grpc.RpcError as error:
        raise CheckFailed(
            f"health Check: {error.code().name}: {error.details()}"
        ) from None
    expect(
        answer.status == health_pb2.HealthCheckResponse.SERVING,
        f"health Check: expected SERVING, got "
        f"{health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)}",
    )
    ok("health: SERVING")

    # 2. No token.
    list_stock_request, list_stock = reflected.method(POOL, "ListStock")
    error = call_fails(
        list_stock,
        list_stock_request(),
        (),
        grpc.StatusCode.UNAUTHENTICATED,
        "ListStock without a token",
    )
    ok(f"ListStock without a token: UNAUTHENTICATED ({error.details()})")

    # 3. Allocate two.
    allocate_request, allocate = reflected.method(POOL, "Allocate")
    answer = call_ok(
        allocate,
        allocate_request(service="telegram", quantity=2),
        BACKEND,
        "Allocate 2 for telegram",
    )
    allocations = list(answer.allocations)
    expect(
        len(allocations) == 2,
        f"Allocate 2: expected 2 allocations, got {len(allocations)}: {answer}",
    )
    numbers = [allocation.number for allocation in allocations]
    expect(len(set(numbers)) == 2, f"Allocate 2: numbers not distinct: {numbers}")
    for allocation in allocations:
        expect(
            allocation.number.startswith("+") and allocation.number[1:].isdigit(),
            f"Allocate 2: number not in E.164 form: {allocation.number!r}",
        )
        expect("-" in allocation.id, f"Allocate 2: id not <rack>-<ULID>: {allocation.id!r}")
        expect(
            allocation.service == "telegram",
            f"Allocate 2: service {allocation.service!r}, expected 'telegram'",
        )
    ok(f"Allocate 2 for telegram: {', '.join(f'{a.id} {a.number}' for a in allocations)}")

    # 4. Release the first, cancelled.
    release_request, release = reflected.method(POOL, "Release")
    cancelled = reflected.enum_value("modempool.v1.ReleaseReason", "RELEASE_REASON_CANCELLED")
    answer = call_ok(
        release,
        release_request(id=allocations[0].id, reason=cancelled),
        BACKEND,
        f"Release {allocations[0].id}",
    )
    expect(
        answer.sms_received is False,
        f"Release: expected sms_received false, got {answer.sms_received}",
    )
    released = reflected.enum_value("modempool.v1.AllocationState", "ALLOCATION_STATE_RELEASED")
    expect(
        answer.allocation.state == released,
        f"Release: expected state ALLOCATION_STATE_RELEASED, got {answer.allocation.state}",
    )
    expect(
        answer.allocation.release_reason == cancelled,
        f"Release: expected reason RELEASE_REASON_CANCELLED, got "
        f"{answer.allocation.release_reason}",
    )
    ok(f"Release {allocations[0].id} cancelled: sms_received false")

    # 5. Admin: a pool token is refused, the admin token is not.
    counters_request, get_counters = reflected.method(ADMIN, "GetCounters")
    error = call_fails(
        get_counters,
        counters_request(),
        BACKEND,
        grpc.StatusCode.PERMISSION_DENIED,
        "GetCounters with the backend token",
    )
    ok(f"GetCounters with the backend token: PERMISSION_DENIED ({error.details()})")
    counters = call_ok(get_counters, counters_request(), OPS, "GetCounters with the ops token")
    expect(
        counters.allocations_total >= 2,
        f"GetCounters: expected allocations_total >= 2, got {counters.allocations_total}",
    )
    ok(
        f"GetCounters with the ops token: allocations_total {counters.allocations_total}, "
        f"ports {counters.ports}, ports_ready {counters.ports_ready}"
    )

    # 6. Too many.
    error = call_fails(
        allocate,
        allocate_request(service="telegram", quantity=21),
        BACKEND,
        grpc.StatusCode.INVALID_ARGUMENT,
        "Allocate 21",
    )
    expect(
        "quantity" in (error.details() or ""),
        f"Allocate 21: the message does not mention 'quantity': {error.details()!r}",
    )
    ok(f"Allocate 21: INVALID_ARGUMENT ({error.details()})")

    channel.close()


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} HOST:PORT", file=sys.stderr)
        return 2
    try:
        run(argv[1])
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    except Exception:  # A bug here or an answer the checks did not foresee: say where.
        print("FAILED: unexpected error:", file=sys.stderr)
        traceback.print_exc()
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
