package io.perennial.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.perennial.testing.TestHttp;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium against the whole stack in one JVM (real Kafka broker, real PostgreSQL).
 * Data comes through the services' REST APIs: a stream with samples that shift (drift-service raises an alarm),
 * registry versions with evaluations and a gate. The browser then logs in, reads the stream's drift timeline, opens
 * a version (heatmap, lineage, gate), promotes, force-promotes with a reason, rolls back, manages an API key, and
 * checks that a viewer sees no promote button and that the server refuses a viewer's and a forged request.
 * Screenshots of every page go to {@code target/screenshots/}.
 *
 * <p>Skipped (JUnit assumption, reported as skipped) when {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver}
 * is missing: {@code apt-get install -y chromium chromium-driver}.
 */
class ConsoleBrowserIT {

    private static final Path CHROMIUM = Path.of(System.getProperty("perennial.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("perennial.chromedriver",
            "/usr/bin/chromedriver"));
    private static final String STREAM = "sensors";
    private static final String VIEWER_PASSWORD = "viewer-password-1";
    private static final String XSS = "<script>window.pwned=1</script><b>bold</b>";

    @TempDir
    static Path home;
    @TempDir
    static Path browserProfile;

    static Stack stack;
    static StackConfig config;
    static String admin;
    static String adminPassword;
    static WebDriver driver;
    static WebDriverWait wait;
    static String base;
    static Path screenshots;

    @BeforeAll
    static void startStackAndBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "SKIPPED: the console browser suite needs " + CHROMIUM + " and " + CHROMEDRIVER
                        + " (apt-get install -y chromium chromium-driver)");
        screenshots = Path.of("target", "screenshots");
        Files.createDirectories(screenshots);
        config = StackConfig.fromEnvironment(AllInOneStackIT.freePorts(home));
        stack = new Stack(config);
        Stack.Started started = stack.start();
        adminPassword = started.adminPassword();
        admin = TestHttp.basic("admin", adminPassword);
        base = "http://127.0.0.1:" + config.servicePorts().get("console");
        seed();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + browserProfile, "--window-size=1366,900", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void operatorSeesTheLoopPromotesRollsBackAndAViewerCannot() throws IOException {
        // Log in; the overview lists the stream with data and its drift alarm.
        driver.get(base + "/");
        assertThat(driver.getCurrentUrl()).endsWith("/login");
        shot("01-login");
        login("admin", adminPassword);
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-stream='" + STREAM + "']")));
        assertThat(row.getText()).contains(STREAM).contains("alarm").contains("v1");
        assertThat(driver.findElement(By.cssSelector("ul.alerts")).getText())
                .contains("Gate blocks candidate v3 of " + STREAM);
        shot("02-overview");

        // Stream detail: drift timeline with the alarm marked, alarms table, segments, policy.
        driver.findElement(By.linkText(STREAM)).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("figure.detector svg")));
        assertThat(driver.findElements(By.cssSelector("figure.detector svg circle.alarm"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("tr.alarm-row"))).isNotEmpty();
        assertThat(driver.findElement(By.id("segments-h")).isDisplayed()).isTrue();
        shot("03-stream");

        // Policy edit: invalid input is refused with the field named; a valid one is saved.
        WebElement rank = driver.findElement(By.id("adapterRank"));
        rank.clear();
        rank.sendKeys("zero");
        driver.findElement(By.cssSelector("#policy button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("adapterRank-err"), "whole number"));
        rank = driver.findElement(By.id("adapterRank"));
        rank.clear();
        rank.sendKeys("4");
        driver.findElement(By.cssSelector("#policy button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash.ok"), "saved"));

        // Jobs: the list with its progress bar, then the job page.
        driver.get(base + "/ui/jobs");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.jobs tr[data-job] .progress")));
        shot("04-jobs");
        driver.findElement(By.cssSelector("table.jobs tr[data-job] a.mono")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#loss-chart svg")));
        shot("05-job");

        // Model: versions with aliases and key metrics, metric across versions.
        driver.get(base + "/ui/models/" + STREAM);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.versions tr[data-version='3']")));
        assertThat(driver.findElement(By.cssSelector("tr[data-version='1']")).getText()).contains("production");
        assertThat(driver.findElement(By.cssSelector("tr[data-version='3']")).getText()).contains("candidate").contains("challenger");
        assertThat(driver.findElements(By.cssSelector("svg.chart path.line"))).isNotEmpty();
        shot("06-model");

        // Version 2: heatmap, lineage, flip rates, gate passes; promote after the confirmation page.
        driver.findElement(By.linkText("v2")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#heatmap svg")));
        assertThat(driver.findElements(By.cssSelector("#heatmap svg g.cell"))).hasSizeGreaterThanOrEqualTo(4);
        assertThat(driver.findElements(By.cssSelector("#lineage svg g.node"))).hasSize(2);
        assertThat(driver.findElement(By.id("flip-rates")).getText()).contains("1.0%");
        assertThat(driver.findElement(By.id("gate-verdict")).getText()).contains("Gate passes");
        shot("07-version");
        driver.findElement(By.id("promote-button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("confirm-promote")));
        shot("08-promote-confirm");
        driver.findElement(By.id("confirm-promote")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash.ok"),
                "is now in production"));
        assertThat(http("registry-service").get("/v1/models/" + STREAM + "/aliases/production", admin).body())
                .contains("\"version\":2");

        // Version 3 fails the gate: the failed conditions are shown; a force needs a reason (HTML in it is escaped).
        driver.get(base + "/ui/models/" + STREAM + "/versions/3/promote");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("force-form")));
        assertThat(driver.findElement(By.id("gate-verdict")).getText()).contains("blocks");
        assertThat(driver.findElement(By.cssSelector("table.conditions")).getText())
                .contains("max-negative-flip-rate").contains("failed");
        shot("09-force-promote");
        driver.findElement(By.id("force-reason")).sendKeys(XSS);
        driver.findElement(By.id("force-ack")).click();
        driver.findElement(By.id("confirm-force")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash.ok"), "(forced)"));
        driver.get(base + "/ui/models/" + STREAM);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("ul.audit")));
        assertThat(driver.findElement(By.cssSelector("ul.audit")).getText()).contains(XSS);
        assertThat(((JavascriptExecutor) driver).executeScript("return window.pwned === undefined")).isEqualTo(true);
        assertThat(driver.findElements(By.cssSelector("ul.audit b"))).isEmpty();

        // Roll back (confirmation page first): production returns to v2.
        driver.findElement(By.id("rollback-button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("confirm-rollback")));
        shot("10-rollback-confirm");
        driver.findElement(By.id("rb-reason")).sendKeys("forced version misbehaves");
        driver.findElement(By.id("confirm-rollback")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash.ok"), "Rolled back"));
        assertThat(http("registry-service").get("/v1/models/" + STREAM + "/aliases/production", admin).body())
                .contains("\"version\":2");
        shot("11-after-rollback");

        // Settings: an API key is shown once, listed by prefix, revoked; bad input names the field.
        driver.get(base + "/ui/settings");
        driver.findElement(By.id("key-name")).sendKeys("ci-pipeline");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("key-role"))).selectByValue("operator");
        driver.findElement(By.cssSelector("#keys form.form-row button[type=submit]")).click();
        String key = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("issued-key"))).getText();
        assertThat(key).startsWith("pnl_");
        shot("12-settings");
        assertThat(http("ingest-service").get("/v1/streams", TestHttp.bearer(key)).statusCode()).isEqualTo(200);
        driver.navigate().refresh();
        assertThat(driver.findElements(By.id("issued-key"))).as("the key is shown only once").isEmpty();
        driver.findElement(By.id("new-user")).sendKeys("Bad Name");
        driver.findElement(By.id("new-password")).sendKeys("long-enough-password");
        driver.findElement(By.cssSelector("#users form.form-row button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#users"),
                "lower-case letters"));

        // A forged POST (no CSRF token) from the signed-in admin's browser is refused.
        assertThat(postFromPage("/ui/models/" + STREAM + "/rollback", false)).isEqualTo(403);

        // Phone width: the overview stays readable.
        driver.manage().window().setSize(new Dimension(390, 844));
        driver.get(base + "/");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-stream]")));
        shot("13-overview-phone");
        driver.manage().window().setSize(new Dimension(1366, 900));

        // A service down: its panels say so, the rest of the page works.
        org.springframework.context.ConfigurableApplicationContext drift = stack.service("drift-service");
        drift.stop();
        try {
            driver.get(base + "/");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-stream]")));
            assertThat(driver.findElement(By.tagName("main")).getText()).contains("Some panels are incomplete")
                    .contains("drift-service");
            assertThat(driver.findElement(By.cssSelector("tr[data-stream]")).getText()).contains(STREAM);
            shot("15-overview-drift-down");
        } finally {
            drift.start();
        }

        // An expired session goes to the login page and back to the page asked for.
        driver.manage().deleteAllCookies();
        driver.get(base + "/ui/models/" + STREAM + "/versions/2");
        assertThat(driver.getCurrentUrl()).endsWith("/login");
        login("admin", adminPassword);
        wait.until(ExpectedConditions.urlContains("/ui/models/" + STREAM + "/versions/2"));

        // A viewer sees everything but no promote or rollback button, and the server refuses both anyway.
        driver.findElement(By.cssSelector("header form.who button")).click();
        wait.until(ExpectedConditions.urlContains("/login"));
        login("vera", VIEWER_PASSWORD);
        driver.get(base + "/ui/models/" + STREAM + "/versions/3");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#heatmap svg")));
        assertThat(driver.findElements(By.id("promote-button"))).isEmpty();
        assertThat(driver.findElements(By.id("rollback-button"))).isEmpty();
        shot("14-viewer-version");
        assertThat(postFromPage("/ui/models/" + STREAM + "/versions/3/promote", true)).isEqualTo(403);
        assertThat(postFromPage("/ui/models/" + STREAM + "/rollback", true)).isEqualTo(403);
        assertThat(http("registry-service").get("/v1/models/" + STREAM + "/aliases/production", admin).body())
                .contains("\"version\":2");
    }

    /** POSTs from the page's own JavaScript, with the session cookie, with or without the page's CSRF token. */
    private static long postFromPage(String path, boolean withCsrf) {
        Object status = ((JavascriptExecutor) driver).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "var body = new URLSearchParams(); body.append('force', 'true'); body.append('reason', 'x');"
                        + "if (arguments[1]) { var t = document.querySelector('input[name=_csrf]');"
                        + "  body.append('_csrf', t ? t.value : ''); }"
                        + "fetch(arguments[0], {method: 'POST', body: body, credentials: 'same-origin',"
                        + "  redirect: 'manual'}).then(function (r) { done(r.status); })"
                        + ".catch(function (e) { done(-1); });", path, withCsrf);
        return ((Number) status).longValue();
    }

    private static void login(String user, String password) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form.login button[type=submit]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("header.top")));
    }

    /** A full-page screenshot: the window grows to the page's height for the shot. */
    private static void shot(String name) throws IOException {
        Dimension before = driver.manage().window().getSize();
        long height = ((Number) ((JavascriptExecutor) driver).executeScript(
                "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")).longValue();
        driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(6000, Math.max(height + 120,
                before.getHeight()))));
        File file = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(file.toPath(), screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        driver.manage().window().setSize(before);
    }

    private static TestHttp http(String service) {
        return new TestHttp(config.servicePorts().get(service));
    }

    /** A stream whose samples shift, versions with evaluations and a gate, a viewer account and a job. */
    private static void seed() {
        TestHttp ingest = http("ingest-service");
        TestHttp drift = http("drift-service");
        TestHttp registry = http("registry-service");
        created(ingest.postJson("/v1/streams", admin, "{\"name\":\"" + STREAM + "\",\"inputShape\":[4],"
                + "\"labels\":[\"ok\",\"fault\"],\"partitions\":1,"
                // The versions below are seeded by hand: the loop must not train or promote on its own.
                + "\"policy\":{\"baseWindow\":1000000,\"autoPromote\":false},"
                + "\"modelFamily\":{\"family\":\"mlp\",\"input_dim\":4,\"hidden\":[16],\"classes\":2}}"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(drift.get("/v1/drift/streams", admin).body()).contains("\"" + STREAM + "\"");
            assertThat(registry.get("/v1/models/" + STREAM, admin).statusCode()).isEqualTo(200);
        });
        HttpResponse<String> configured = drift.send("PUT", "/v1/drift/streams/" + STREAM + "/config", admin,
                "application/json", "{\"referenceSize\":200,\"windowSize\":200,\"evaluateEvery\":50,"
                        + "\"evaluateIntervalSeconds\":0,\"alpha\":0.001,\"correction\":\"bh\","
                        + "\"detectors\":[\"ks\",\"mmd\"],\"errorDetector\":\"none\",\"rebaseline\":true,"
                        + "\"cooldown\":200,\"resolveAlpha\":0.2,\"minSamples\":50}");
        assertThat(configured.statusCode()).as(configured.body()).isEqualTo(200);

        Random random = new Random(7);
        for (int batch = 0; batch < 6; batch++) {
            double shift = batch < 3 ? 0 : 3;
            List<String> samples = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                samples.add(String.format(Locale.ROOT, "{\"features\":[%.4f,%.4f,%.4f,%.4f],\"label\":\"%s\"}",
                        random.nextGaussian() + shift, random.nextGaussian() + shift, random.nextGaussian(),
                        random.nextGaussian(), random.nextBoolean() ? "ok" : "fault"));
            }
            HttpResponse<String> accepted = ingest.postJson("/v1/streams/" + STREAM + "/samples", admin,
                    "[" + String.join(",", samples) + "]");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                drift.get("/v1/drift/streams/" + STREAM + "/alarms", admin).body()).doesNotContain("\"total\":0"));

        String m = "/v1/models/" + STREAM;
        created(registry.postJson(m + "/versions", admin, "{\"kind\":\"base\",\"jobId\":\"job-base\","
                + "\"description\":\"base model on the first window\"}"));
        String segment = "\"segment\":{\"topic\":\"perennial.samples." + STREAM + "\",\"partitions\":[{\"partition\":0,"
                + "\"fromOffset\":600,\"toOffset\":1200}]}";
        created(registry.postJson(m + "/versions", admin, "{\"kind\":\"adapter\",\"parentVersion\":1,"
                + "\"jobId\":\"job-shift\",\"adapters\":[{\"name\":\"shift-1\",\"rank\":2,\"alpha\":4,"
                + "\"targetModules\":[\"fc1\"]," + segment + "}]}"));
        created(registry.postJson(m + "/versions", admin, "{\"kind\":\"adapter\",\"parentVersion\":1,"
                + "\"jobId\":\"job-shift-b\",\"adapters\":[{\"name\":\"shift-1b\",\"rank\":2,\"alpha\":4,"
                + "\"targetModules\":[\"fc1\"]," + segment + "}]}"));
        created(registry.postJson(m + "/versions/1/evaluations", admin,
                "{\"segments\":[{\"segment\":\"regime-0\",\"accuracy\":0.94,\"samples\":100}]}"));
        HttpResponse<String> gate = registry.send("PUT", m + "/gate", admin, "application/json",
                "{\"maxNegativeFlipRate\":0.05,\"maxForgetting\":0.05,\"minNewestAccuracy\":0.8}");
        assertThat(gate.statusCode()).as(gate.body()).isEqualTo(200);
        HttpResponse<String> first = registry.postJson(m + "/versions/1/promote", admin, "{}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        created(registry.postJson(m + "/versions/2/evaluations", admin, "{\"servingVersion\":1,\"segments\":["
                + "{\"segment\":\"regime-0\",\"accuracy\":0.93,\"samples\":100},"
                + "{\"segment\":\"regime-1\",\"accuracy\":0.91,\"samples\":100}],"
                + "\"flips\":{\"negative\":0.01,\"positive\":0.4,\"samples\":200}}"));
        created(registry.postJson(m + "/versions/3/evaluations", admin, "{\"servingVersion\":1,\"segments\":["
                + "{\"segment\":\"regime-0\",\"accuracy\":0.71,\"samples\":100},"
                + "{\"segment\":\"regime-1\",\"accuracy\":0.95,\"samples\":100}],"
                + "\"flips\":{\"negative\":0.2,\"positive\":0.3,\"samples\":200}}"));
        created(registry.postJson(m + "/aliases", admin, "{\"alias\":\"candidate\",\"version\":3}"));
        HttpResponse<String> moved = registry.send("PUT", m + "/aliases/candidate", admin, "application/json",
                "{\"version\":2}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        created(registry.postJson(m + "/aliases", admin, "{\"alias\":\"challenger\",\"version\":3}"));
        // the overview alerts on a blocked candidate: point candidate at v3 for the first look, v2 is promoted later
        assertThat(registry.send("PUT", m + "/aliases/candidate", admin, "application/json",
                "{\"version\":3}").statusCode()).isEqualTo(200);

        created(http("console").postJson("/v1/iam/users", admin, "{\"username\":\"vera\",\"password\":\""
                + VIEWER_PASSWORD + "\",\"roles\":[\"viewer\"]}"));
        HttpResponse<String> job = http("trainer-service").postJson("/v1/jobs", admin, "{\"stream\":\"" + STREAM
                + "\",\"kind\":\"TRAIN_BASE\",\"fromOffsets\":{\"0\":0},\"toOffsets\":{\"0\":600}}");
        assertThat(job.statusCode()).as(job.body()).isIn(200, 201, 202);
        // The worker really trains it and the trainer leaves its version as the candidate (autoPromote is off);
        // an operator then points the candidate back at the hand-made challenger the pages below are about.
        String jobId = job.body().replaceAll("(?s).*\"id\":\"([0-9a-f-]{36})\".*", "$1");
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(http("trainer-service")
                .get("/v1/jobs/" + jobId, admin).body()).contains("\"promotion\":\"CANDIDATE\""));
        created(registry.send("PUT", "/v1/models/" + STREAM + "/aliases/candidate", admin, "application/json",
                "{\"version\":3,\"reason\":\"the challenger is the one to review\"}"));
    }

    private static void created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }
}
