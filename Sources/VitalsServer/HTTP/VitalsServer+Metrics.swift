import Hummingbird
import VitalsExposition

extension VitalsServer {
    func addMetricsRoutes(to router: Router<BasicRequestContext>) {
        router.get("/metrics") { request, _ in
            let format = ExpositionFormat(accept: request.headers[.accept])
            self.exposition.server.setQueueDepth(self.gate.depth)
            return Response.bodyResponse(self.exposition.render(format), contentType: format.contentType)
        }
    }
}
