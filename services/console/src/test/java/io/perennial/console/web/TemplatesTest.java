package io.perennial.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.perennial.console.client.ServiceClient;
import io.perennial.console.model.RouterView;
import io.perennial.console.stream.Decisions;
import io.perennial.console.stream.PolicyForm;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.StaticApplicationContext;
import org.thymeleaf.context.Context;
import org.thymeleaf.context.IExpressionContext;
import org.thymeleaf.linkbuilder.StandardLinkBuilder;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.spring6.expression.ThymeleafEvaluationContext;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stream and version pages rendered by Thymeleaf from the services' JSON shapes (trainer's decisions, the
 * registry's version and accuracy matrix): the decisions section, the stuck banner, the policy form's new fields, the
 * router's regimes and the archived heatmap cells, with service text escaped.
 */
class TemplatesTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    final SpringTemplateEngine engine = engine();

    static SpringTemplateEngine engine() {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("templates/console/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.setTemplateResolver(resolver);
        // links as the servlet context at "/" writes them
        engine.setLinkBuilder(new StandardLinkBuilder() {
            @Override
            protected String computeContextPath(IExpressionContext context, String base,
                    Map<String, Object> parameters) {
                return "";
            }
        });
        return engine;
    }

    String render(String template, Map<String, Object> variables) {
        StaticApplicationContext app = new StaticApplicationContext();
        app.registerSingleton("fmt", Format.class);
        app.refresh();
        Context context = new Context(Locale.ROOT, variables);
        context.setVariable(ThymeleafEvaluationContext.THYMELEAF_EVALUATION_CONTEXT_CONTEXT_VARIABLE_NAME,
                new ThymeleafEvaluationContext(app, null));
        context.setVariable("userName", "ops");
        context.setVariable("userRole", "operator");
        context.setVariable("canOperate", true);
        return engine.process(template, context);
    }

    static JsonNode sample(String name) throws IOException {
        try (InputStream in = TemplatesTest.class.getResourceAsStream("/samples/" + name)) {
            return JSON.readTree(in);
        }
    }

    static ServiceClient.Result ok(String json) {
        return new ServiceClient.Result(200, JSON.readTree(json), null);
    }

    static ServiceClient.Result ok(JsonNode json) {
        return new ServiceClient.Result(200, json, null);
    }

    Map<String, Object> stream() throws IOException {
        List<JsonNode> alarms = new java.util.ArrayList<>();
        sample("decisions.json").forEach(alarms::add);
        List<Decisions.Row> rows = Decisions.rows(alarms);
        Map<String, Object> m = new HashMap<>();
        m.put("name", "digits");
        m.put("stream", ok("{\"spec\":{\"name\":\"digits\",\"inputShape\":[4],\"labels\":[\"a\",\"b\"],\"partitions\":1,"
                + "\"retentionMs\":604800000},\"samplesTopic\":\"perennial.samples.digits\","
                + "\"createdAt\":\"2026-12-04T12:00:00Z\"}"));
        m.put("status", ok("{\"live\":{\"samplesSeen\":2100,\"phase\":\"MONITORING\"},\"alarms\":3}"));
        m.put("alarms", ok("[]"));
        m.put("driftConfig", ok("{\"detectors\":[\"ks\"],\"referenceSize\":500,\"windowSize\":500}"));
        m.put("rateSvg", "<svg></svg>");
        m.put("recentRate", 12.5);
        m.put("detectorCharts", List.of());
        m.put("predictionCharts", List.of());
        m.put("segments", List.of());
        m.put("decisions", rows);
        m.put("stuck", Decisions.stillStuck(rows, Optional.of(rows.get(1))));
        m.put("policy", ok("{\"stream\":\"digits\",\"policy\":{\"baseWindow\":1000,\"minSamplesAfterDrift\":500,"
                + "\"adapterRank\":8,\"maxAdapters\":4,\"mergeMethod\":\"ties\",\"autoPromote\":true,\"probeEvery\":5,"
                + "\"baseEpochs\":10,\"adapterEpochs\":20,\"matchAlpha\":0.01,\"matchMinRoutedShare\":0.5,"
                + "\"priorShiftAlpha\":0.001,\"priorShiftMinTv\":0.1,\"maxRemedies\":3,\"mergeMinSimilarity\":0.9,"
                + "\"mergeMaxDescriptorDistance\":1.0}}"));
        m.put("mergeMethods", PolicyForm.MERGE_METHODS);
        m.put("decisionFields", PolicyForm.DECISION_FIELDS);
        m.put("jobs", ok("[]"));
        m.put("aliases", ok("[{\"alias\":\"production\",\"version\":3}]"));
        m.put("serving", 3);
        return m;
    }

    @Test
    void theStreamPageShowsEveryDecisionTheStuckBannerAndTheDecisionThresholds() throws IOException {
        String html = render("stream", stream());
        assertThat(html).contains("id=\"stuck-banner\"").contains("Adaptation is stuck")
                .contains("href=\"/ui/models/digits/versions/3\">v3</a> keeps serving")
                .contains("Alarm #7 (ks, 2026-12-04 15:20:00 UTC)")
                .contains("tried new-adapter, distillation, head-only")
                .contains("href=\"/ui/jobs?stream=digits\"");
        assertThat(html.split("<article class=\"decision\"", -1)).hasSize(4);
        assertThat(html).contains("data-alarm=\"7\"").contains("data-state=\"STUCK\"")
                .contains("<span class=\"pill warn\">NEW_REGIME</span>")
                .contains("<span class=\"pill state bad\">STUCK</span>")
                .contains("<span class=\"pill ok\">PRIOR_SHIFT</span>")
                .contains("<span class=\"pill grey\">undecided</span>")
                .contains("Carrying out: PRIOR_CORRECT of regime base");
        // the attempts with the gate's verdicts; service text escaped, never markup
        assertThat(html).contains("negative flip rate 0.0500 &gt; 0.0100").contains("distillation")
                .contains("href=\"/ui/models/digits/versions/5\">v5</a>")
                .contains("job failed: &lt;b&gt;out of memory&lt;/b&gt;").doesNotContain("<b>out of memory</b>");
        assertThat(html).contains("href=\"/ui/jobs/11111111-1c2d-4e5f-8a9b-0c1d2e3f4a5b\"")
                .contains("ARCHIVE of [seg-1] to make room");
        // evidence summary and the raw JSON
        assertThat(html).contains("<dt>Nearest regime</dt><dd>base</dd>").contains("<dt>Matched regime</dt>")
                .contains("500 samples, 480 labelled").contains("<td>92.0%</td>").contains("2.00e-06")
                .contains("<summary class=\"small\">Evidence (JSON)</summary>").contains("&quot;matchAlpha&quot;");
        // the policy form's decision thresholds, filled from trainer's policy
        assertThat(html).contains("name=\"matchAlpha\"").contains("value=\"0.01\"")
                .contains("name=\"maxRemedies\"").contains("name=\"mergeMaxDescriptorDistance\"")
                .contains("Remedy rungs before STUCK, 0 to 3");
    }

    @Test
    void withoutAStuckAlarmThereIsNoBannerAndAFieldErrorShowsNextToItsField() throws IOException {
        Map<String, Object> m = stream();
        m.put("stuck", List.of());
        Map<String, String> form = new HashMap<>();
        PolicyForm.FIELDS.forEach(f -> form.put(f, "1"));
        form.put("matchAlpha", "2");
        m.put("policyForm", form);
        m.put("policyErrors", PolicyForm.parse(form).errors());
        String html = render("stream", m);
        assertThat(html).doesNotContain("stuck-banner");
        assertThat(html).contains("<span id=\"matchAlpha-err\" class=\"field-error\">must be greater than 0 and at "
                + "most 1</span>").contains("aria-invalid=\"true\"");
    }

    @Test
    void theVersionPageShowsKindRegimesClassPriorsAndArchivedHeatmapCells() throws IOException {
        JsonNode version = sample("version.json");
        Map<String, Object> m = new HashMap<>();
        m.put("name", "digits");
        m.put("number", 6);
        m.put("v", ok(version));
        m.put("router", RouterView.of(version.path("router")));
        m.put("evaluation", null);
        m.put("gate", ok("{\"passed\":true,\"conditions\":[{\"name\":\"archived-segments\",\"passed\":true,"
                + "\"threshold\":null,\"actual\":1.0,\"detail\":\"seg-1 archived: not gated\"}]}"));
        m.put("heatmapSvg", io.perennial.console.model.ModelPageControllerAccess.heatmap("digits",
                sample("accuracy-matrix.json"), 6));
        m.put("aliasMap", Map.of("production", 5, "candidate", 6));
        String html = render("version", m);
        assertThat(html).contains("class=\"kind kind-archive\"").contains(">archive</span>")
                .contains("title=\"regimes taken out of routing to bound the active set, adapters kept\"");
        assertThat(html).contains("id=\"archived-regimes\"")
                .contains("Archived (out of routing, adapters kept for a recurrence): seg-1")
                .contains("<td class=\"mono small\">0.700 · 0.300</td>")
                .contains("<span class=\"pill grey\">archived</span>").contains("<span class=\"pill ok\">routed</span>");
        assertThat(html).contains("class=\"cell archived\"").contains("v6 on seg-1: 55.0% (archived: not gated)");
        assertThat(html).contains("archive regime seg-1 &lt;i&gt;least recently seen&lt;/i&gt;");
    }
}
