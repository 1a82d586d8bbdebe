package io.cachestarter.interceptor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.CachedExpressionEvaluator;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParserContext;
import org.springframework.expression.common.TemplateParserContext;

/**
 * Evaluates the SpEL of the starter's annotations over one {@link Invocation}. The expressions see the method's
 * parameters by name (and as {@code #p0}/{@code #a0}), the return value as {@code #result}, the invocation as
 * {@code #root} and beans as {@code @name}. Parsed expressions are cached by their text.
 */
public final class InvocationExpressions extends CachedExpressionEvaluator {

	private static final ParserContext TEMPLATE = new TemplateParserContext("#{", "}");

	private final Map<String, Expression> templates = new ConcurrentHashMap<>();

	private final Map<String, Expression> expressions = new ConcurrentHashMap<>();

	private final @Nullable BeanFactoryResolver beanResolver;

	/**
	 * Creates an evaluator.
	 * @param beanFactory resolves {@code @name} bean references, or {@code null} for none
	 */
	public InvocationExpressions(@Nullable BeanFactory beanFactory) {
		this.beanResolver = (beanFactory != null) ? new BeanFactoryResolver(beanFactory) : null;
	}

	/**
	 * Evaluates a template: literal text with {@code #{...}} SpEL parts.
	 * @param template the template
	 * @param invocation the call
	 * @param result the method's return value
	 * @return the text, {@code ""} when every part is empty or {@code null}
	 * @throws org.springframework.expression.ExpressionException if the template is invalid or fails
	 */
	public String template(String template, Invocation invocation, @Nullable Object result) {
		return template(template, invocation, result, Map.of());
	}

	/**
	 * Evaluates a template with extra variables (for example {@code #key} and {@code #value} of one entry of a bulk
	 * write).
	 * @param template the template
	 * @param invocation the call
	 * @param result the method's return value
	 * @param variables more variables, by name (without {@code #})
	 * @return the text, {@code ""} when every part is empty or {@code null}
	 * @throws org.springframework.expression.ExpressionException if the template is invalid or fails
	 */
	public String template(String template, Invocation invocation, @Nullable Object result,
			Map<String, ? extends @Nullable Object> variables) {
		Expression expression = this.templates.computeIfAbsent(template,
				(text) -> getParser().parseExpression(text, TEMPLATE));
		EvaluationContext context = context(invocation, result);
		variables.forEach(context::setVariable);
		String value = expression.getValue(context, String.class);
		return (value != null) ? value : "";
	}

	/**
	 * Evaluates a SpEL expression.
	 * @param expression the expression
	 * @param invocation the call
	 * @param result the method's return value
	 * @return the value
	 * @throws org.springframework.expression.ExpressionException if the expression is invalid or fails
	 */
	public @Nullable Object value(String expression, Invocation invocation, @Nullable Object result) {
		return this.expressions.computeIfAbsent(expression, this::parseExpression)
			.getValue(context(invocation, result));
	}

	private EvaluationContext context(Invocation invocation, @Nullable Object result) {
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(invocation, invocation.getMethod(),
				invocation.getArgs(), getParameterNameDiscoverer());
		context.setVariable("result", result);
		if (this.beanResolver != null) {
			context.setBeanResolver(this.beanResolver);
		}
		return context;
	}

}
