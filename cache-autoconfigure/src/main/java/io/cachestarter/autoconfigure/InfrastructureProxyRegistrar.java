package io.cachestarter.autoconfigure;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Makes sure an auto-proxy creator applies the starter's infrastructure advisors to application beans, as
 * {@code @EnableCaching} and {@code @EnableTransactionManagement} do, even when neither is present and Spring Boot's
 * AOP auto-configuration is not. Like Spring Boot, it proxies classes unless
 * {@code spring.aop.proxy-target-class=false}. An existing, more capable creator (AspectJ) is kept.
 */
final class InfrastructureProxyRegistrar implements ImportBeanDefinitionRegistrar {

	private final Environment environment;

	InfrastructureProxyRegistrar(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		if (this.environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true)) {
			AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
		}
	}

}
