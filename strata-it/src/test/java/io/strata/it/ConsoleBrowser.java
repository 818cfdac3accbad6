package io.strata.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through its chromedriver, on one node's web console: the browser, the waits
 * the console's pages need (each step waits up to 20 s for its element) and screenshots. No skipping: a machine
 * without Chromium fails with what to run. Not thread-safe: a test class drives it from one thread.
 */
final class ConsoleBrowser implements AutoCloseable {

    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private final ChromeDriver driver;
    private final WebDriverWait wait;
    private final String base;

    private ConsoleBrowser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        // Pages re-render after each change: an element found just before may be replaced, so look again.
        wait.ignoring(StaleElementReferenceException.class);
    }

    /** A fresh headless browser, with its own profile under {@code profileDir}, on the console at {@code base}. */
    static ConsoleBrowser start(Path profileDir, String base) {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("The console's browser tests need Debian's chromium and chromium-driver ("
                    + BROWSER + ", " + DRIVER + "): run .ci/run --deps-only");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profileDir.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ConsoleBrowser(new ChromeDriver(service, options), base);
    }

    /** The browser itself, for what the helpers below do not cover. */
    ChromeDriver driver() {
        return driver;
    }

    /** Loads the console's {@code path} (such as {@code /#/topics}). */
    void open(String path) {
        driver.get(base + path);
    }

    /** Waits until {@code condition} gives a value other than null or false, and returns it. */
    <V> V until(Function<? super WebDriver, V> condition) {
        return wait.until(condition);
    }

    /** The text of element {@code id}, once it is there. */
    String text(String id) {
        return wait.until(d -> d.findElement(By.id(id)).getText());
    }

    /** Replaces the content of input {@code id}, once it is visible, with {@code text}. */
    void type(String id, String text) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        input.clear();
        input.sendKeys(text);
    }

    /** Picks the option of value {@code value} in select {@code id}, once it is visible. */
    void select(String id, String value) {
        new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)))).selectByValue(value);
    }

    /** Clicks element {@code id} once it is clickable. */
    void click(String id) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    /** Answers yes in the console's confirmation dialog and waits until it has closed. */
    void confirm() {
        click("confirm-yes");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
    }

    /** Saves what the browser shows as {@code target/console-screenshots/<name>.png}. */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Quits the browser and its chromedriver. */
    @Override
    public void close() {
        driver.quit();
    }
}
