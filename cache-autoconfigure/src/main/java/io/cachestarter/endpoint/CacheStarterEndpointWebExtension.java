package io.cachestarter.endpoint;

import io.cachestarter.TagInvalidator;
import io.cachestarter.endpoint.CacheStarterEndpoint.TagInvalidationDescriptor;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.Assert;

/**
 * Web extension of the {@link CacheStarterEndpoint}: a tag invalidation answers {@code 404} when no
 * {@link TagInvalidator} exists.
 */
@EndpointWebExtension(endpoint = CacheStarterEndpoint.class)
public class CacheStarterEndpointWebExtension {

	private final CacheStarterEndpoint delegate;

	public CacheStarterEndpointWebExtension(CacheStarterEndpoint delegate) {
		Assert.notNull(delegate, "'delegate' must not be null");
		this.delegate = delegate;
	}

	/**
	 * Removes every entry carrying a tag, in every cache.
	 * @param tag the tag; a tag containing {@code /} may be given as several path segments
	 * @return {@code {"tag": ..., "evicted": N}}, or {@code 404} if no {@link TagInvalidator} exists
	 */
	@DeleteOperation
	public WebEndpointResponse<TagInvalidationDescriptor> invalidateTag(
			@Selector(match = Match.ALL_REMAINING) String... tag) {
		TagInvalidationDescriptor invalidation = this.delegate.invalidateTag(tag);
		return (invalidation != null) ? new WebEndpointResponse<>(invalidation, WebEndpointResponse.STATUS_OK)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
